package io.linkgate.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.linkgate.api.ServiceProviders;
import io.linkgate.api.client.ClientTransports;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.api.transport.TransportSettings;
import io.linkgate.api.transport.UplinkSession;
import io.linkgate.api.transport.UplinkTransport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The transport as the assembly and the client SDK find it: ServiceLoader, Guice, names, options. */
class ProvidersTest {
  private static final SessionHandler NO_CORE =
      new SessionHandler() {
        @Override
        public CompletionStage<DownlinkSession> openDownlink(
            Hello hello, ConnectionInfo info, DownlinkChannel channel) {
          return new CompletableFuture<>();
        }

        @Override
        public CompletionStage<UplinkSession> openUplink(Hello hello, ConnectionInfo info) {
          return new CompletableFuture<>();
        }
      };

  @Test
  void serverProviderIsFoundByNameAndIsAvailable() {
    List<TransportProvider> providers =
        ServiceProviders.load(
            TransportProvider.class,
            getClass().getClassLoader(),
            TransportProvider::isAvailable,
            TransportProvider::priority);
    assertThat(providers)
        .filteredOn(p -> p.name().equals("grpc"))
        .singleElement()
        .isInstanceOf(GrpcTransportProvider.class);
  }

  @Test
  void clientProviderIsFoundByName() {
    assertThat(ClientTransports.load(getClass().getClassLoader()).get("grpc"))
        .isInstanceOf(GrpcClientTransportProvider.class);
  }

  @Test
  void moduleBindsBothRolesUnderGrpcAndCreatingBindsNothing() {
    Injector injector = Guice.createInjector(new GrpcTransportProvider().module());
    Map<String, DownlinkTransport.Factory> downlinks =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, DownlinkTransport.Factory>>() {}));
    Map<String, UplinkTransport.Factory> uplinks =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, UplinkTransport.Factory>>() {}));
    assertThat(downlinks).containsOnlyKeys("grpc");
    assertThat(uplinks).containsOnlyKeys("grpc");
    DownlinkTransport t = downlinks.get("grpc").create(settings(Role.DOWNLINK, Map.of()), NO_CORE);
    assertThat(t.name()).isEqualTo("grpc");
    assertThat(t.endpoints()).as("endpoints before start").isEmpty();
    t.shutdown().toCompletableFuture().join(); // never started: nothing to release
  }

  @Test
  void settingsForTheOtherRoleAreRefused() {
    Injector injector = Guice.createInjector(new GrpcTransportProvider().module());
    var uplinks =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, UplinkTransport.Factory>>() {}));
    assertThatThrownBy(() -> uplinks.get("grpc").create(settings(Role.DOWNLINK, Map.of()), NO_CORE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DOWNLINK");
  }

  @Test
  void badOptionValueIsRefusedNamingTheOption() {
    Injector injector = Guice.createInjector(new GrpcTransportProvider().module());
    var downlinks =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, DownlinkTransport.Factory>>() {}));
    assertThatThrownBy(
            () ->
                downlinks
                    .get("grpc")
                    .create(settings(Role.DOWNLINK, Map.of("maxInFlight", "0")), NO_CORE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxInFlight")
        .hasMessageContaining("positive");
    assertThatThrownBy(
            () ->
                downlinks
                    .get("grpc")
                    .create(settings(Role.DOWNLINK, Map.of("epoll", "maybe")), NO_CORE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("epoll");
  }

  private static TransportSettings settings(Role role, Map<String, String> options) {
    return TransportSettings.of("n", role, "127.0.0.1", List.of(0)).withOptions(options);
  }
}

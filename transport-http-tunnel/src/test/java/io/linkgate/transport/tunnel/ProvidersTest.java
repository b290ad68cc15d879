package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.linkgate.api.ServiceProviders;
import io.linkgate.api.client.ClientTransports;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.api.transport.TransportSettings;
import io.linkgate.api.transport.UplinkTransport;
import io.linkgate.router.Hs256Authenticator;
import io.linkgate.router.Router;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The transport as the assembly and the client SDK find it: ServiceLoader, Guice, names. */
class ProvidersTest {
  @Test
  void serverProviderIsFoundByNameAndIsAvailable() {
    List<TransportProvider> providers =
        ServiceProviders.load(
            TransportProvider.class,
            getClass().getClassLoader(),
            TransportProvider::isAvailable,
            TransportProvider::priority);
    assertThat(providers)
        .anySatisfy(
            p -> {
              assertThat(p).isInstanceOf(HttpTunnelTransportProvider.class);
              assertThat(p.name()).isEqualTo("http-tunnel");
            });
  }

  @Test
  void clientProviderIsFoundByName() {
    assertThat(ClientTransports.load(getClass().getClassLoader()).get("http-tunnel"))
        .isInstanceOf(HttpTunnelClientTransportProvider.class);
  }

  @Test
  void moduleBindsBothRolesAndCreatingATransportBindsNothing() {
    Injector injector = Guice.createInjector(new HttpTunnelTransportProvider().module());
    Map<String, DownlinkTransport.Factory> downlinks =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, DownlinkTransport.Factory>>() {}));
    Map<String, UplinkTransport.Factory> uplinks =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, UplinkTransport.Factory>>() {}));
    assertThat(downlinks).containsOnlyKeys("http-tunnel");
    assertThat(uplinks).containsOnlyKeys("http-tunnel");
    try (Router router =
        Router.builder().authenticator(new Hs256Authenticator(new byte[32])).build()) {
      DownlinkTransport t =
          downlinks
              .get("http-tunnel")
              .create(TransportSettings.of("n", Role.DOWNLINK, "127.0.0.1", List.of(0)), router);
      assertThat(t.name()).isEqualTo("http-tunnel");
      assertThat(t.endpoints()).as("nothing bound before start").isEmpty();
    }
  }

  @Test
  void badOptionsFailAtCreationWithTheOptionsName() {
    Injector injector = Guice.createInjector(new HttpTunnelTransportProvider().module());
    Map<String, DownlinkTransport.Factory> downlinks =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, DownlinkTransport.Factory>>() {}));
    try (Router router =
        Router.builder().authenticator(new Hs256Authenticator(new byte[32])).build()) {
      TransportSettings settings =
          TransportSettings.of("n", Role.DOWNLINK, "127.0.0.1", List.of(0))
              .withOptions(Map.of("idle-timeout-ms", "1000", "poll-hold-ms", "5000"));
      assertThatThrownBy(() -> downlinks.get("http-tunnel").create(settings, router))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("idle-timeout-ms")
          .hasMessageContaining("poll-hold-ms");
      TransportSettings notANumber =
          TransportSettings.of("n", Role.DOWNLINK, "127.0.0.1", List.of(0))
              .withOptions(Map.of("max-age-ms", "soon"));
      assertThatThrownBy(() -> downlinks.get("http-tunnel").create(notANumber, router))
          .hasMessageContaining("max-age-ms");
    }
  }
}

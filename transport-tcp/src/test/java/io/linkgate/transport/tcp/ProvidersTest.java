package io.linkgate.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.linkgate.api.EncodedFrame;
import io.linkgate.api.Frames;
import io.linkgate.api.ServiceProviders;
import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientTransports;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Pong;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Welcome;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
              assertThat(p).isInstanceOf(TcpTransportProvider.class);
              assertThat(p.name()).isEqualTo("tcp");
            });
  }

  @Test
  void clientProviderIsFoundByName() {
    assertThat(ClientTransports.load(getClass().getClassLoader()).get("tcp"))
        .isInstanceOf(TcpClientTransportProvider.class);
  }

  @Test
  void moduleBindsBothRolesUnderTcpAndCreatingBindsNothing() {
    Injector injector = Guice.createInjector(new TcpTransportProvider().module());
    Map<String, DownlinkTransport.Factory> downlinks =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, DownlinkTransport.Factory>>() {}));
    Map<String, UplinkTransport.Factory> uplinks =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, UplinkTransport.Factory>>() {}));
    assertThat(downlinks).containsOnlyKeys("tcp");
    assertThat(uplinks).containsOnlyKeys("tcp");
    DownlinkTransport t =
        downlinks
            .get("tcp")
            .create(
                TransportSettings.of("n", Role.DOWNLINK, "127.0.0.1", List.of(0)), new EchoCore());
    assertThat(t.name()).isEqualTo("tcp");
    assertThat(t.endpoints()).isEmpty();
  }

  @Test
  void clientAndServerFoundThroughTheirProvidersTalkEndToEnd() throws Exception {
    Injector injector = Guice.createInjector(new TcpTransportProvider().module());
    EchoCore core = new EchoCore();
    Map<String, String> oneThread = Map.of("threads", "1");
    DownlinkTransport downlinks =
        injector
            .getInstance(Key.get(new TypeLiteral<Map<String, DownlinkTransport.Factory>>() {}))
            .get("tcp")
            .create(
                TransportSettings.of("n", Role.DOWNLINK, "127.0.0.1", List.of(0))
                    .withOptions(oneThread),
                core);
    UplinkTransport uplinks =
        injector
            .getInstance(Key.get(new TypeLiteral<Map<String, UplinkTransport.Factory>>() {}))
            .get("tcp")
            .create(
                TransportSettings.of("n", Role.UPLINK, "127.0.0.1", List.of(0))
                    .withOptions(oneThread),
                core);
    downlinks.start();
    uplinks.start();
    try (ClientTransport client =
        ClientTransports.load(getClass().getClassLoader())
            .get("tcp")
            .create(ClientTransportOptions.defaults())) {
      BlockingQueue<Frame> pushes = new LinkedBlockingQueue<>();
      ClientDownlink down =
          client
              .openDownlink(
                  downlinks.endpoints().get(0),
                  Hello.newBuilder().setToken("t").build(),
                  new ClientDownlink.Listener() {
                    @Override
                    public void onFrame(Frame frame) {
                      pushes.add(frame);
                    }

                    @Override
                    public void onClosed(Throwable cause) {}
                  })
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertThat(down.welcome().getHeartbeatMs()).isEqualTo(30_000); // the default, granted
      ClientUplink up =
          client
              .openUplink(uplinks.endpoints().get(0), Hello.newBuilder().setToken("t").build())
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);

      // The echo core pushes every uplink Ping to the downlink as a Push with the nonce as seq.
      Frame answer = up.call(Frames.ping(5)).toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertThat(answer.getPong().getNonce()).isEqualTo(5);
      assertThat(pushes.poll(5, TimeUnit.SECONDS).getPush().getSeq()).isEqualTo(5);
    } finally {
      downlinks.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
      uplinks.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Forwards uplink pings to the (one) downlink as pushes. */
  private static final class EchoCore implements SessionHandler {
    private volatile DownlinkChannel downlink;

    @Override
    public CompletionStage<DownlinkSession> openDownlink(
        Hello hello, ConnectionInfo info, DownlinkChannel channel) {
      channel.send(
          EncodedFrame.of(
              Frame.newBuilder()
                  .setWelcome(Welcome.newBuilder().setHeartbeatMs(info.heartbeatMs()))
                  .build()));
      downlink = channel;
      return CompletableFuture.completedFuture(
          new DownlinkSession() {
            @Override
            public String sessionId() {
              return "d";
            }

            @Override
            public CompletionStage<Frame> onFrame(Frame frame) {
              return CompletableFuture.completedFuture(Frame.getDefaultInstance());
            }

            @Override
            public void onClosed() {}
          });
    }

    @Override
    public CompletionStage<UplinkSession> openUplink(Hello hello, ConnectionInfo info) {
      return CompletableFuture.completedFuture(
          new UplinkSession() {
            @Override
            public Welcome welcome() {
              return Welcome.newBuilder().setSessionId("u").build();
            }

            @Override
            public CompletionStage<Frame> handle(Frame frame) {
              long nonce = frame.getPing().getNonce();
              downlink.send(
                  EncodedFrame.of(
                      Frame.newBuilder().setPush(Push.newBuilder().setSeq(nonce)).build()));
              return CompletableFuture.completedFuture(
                  Frame.newBuilder().setPong(Pong.newBuilder().setNonce(nonce)).build());
            }

            @Override
            public void onClosed() {}
          });
    }
  }
}

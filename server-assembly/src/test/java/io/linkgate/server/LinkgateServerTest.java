package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientTransports;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.SendAck;
import io.linkgate.client.LinkgateClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LinkgateServerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void twoClientsExchangeMessagesThroughANodeStartedFromConfig() throws Exception {
    try (LinkgateServer node = LinkgateServer.start(TestNodes.loopback())) {
      assertThat(node.endpoints())
          .extracting(Endpoint::getRole)
          .containsExactlyInAnyOrder(Role.DOWNLINK, Role.UPLINK);
      assertThat(node.endpoints()).allSatisfy(e -> {
        assertThat(e.getPort()).isPositive();
        assertThat(e.getHost()).isEqualTo("127.0.0.1");
        assertThat(e.getTransport()).isEqualTo("tcp");
      });

      BlockingQueue<Push> alicePushes = new LinkedBlockingQueue<>();
      BlockingQueue<Push> bobPushes = new LinkedBlockingQueue<>();
      try (LinkgateClient alice = TestNodes.client(node, "alice", alicePushes);
          LinkgateClient bob = TestNodes.client(node, "bob", bobPushes)) {
        assertThat(get(alice.connect()).getNodeId()).isEqualTo("test-node");
        get(bob.connect());

        SendAck ack = get(alice.send("user:bob", utf8("hello bob")));
        assertThat(ack.getMsgId()).isNotEmpty();
        // Senders get a copy of their own messages too; pick the push from the other user.
        Push atBob = nextFrom(bobPushes, "alice");
        assertThat(atBob.getFrom()).isEqualTo("alice");
        assertThat(atBob.getTo()).isEqualTo("user:bob");
        assertThat(atBob.getPayload().toStringUtf8()).isEqualTo("hello bob");
        assertThat(atBob.getSeq()).isEqualTo(1);

        get(bob.send("user:alice", utf8("hello alice")));
        Push atAlice = nextFrom(alicePushes, "bob");
        assertThat(atAlice.getFrom()).isEqualTo("bob");
        assertThat(atAlice.getPayload().toStringUtf8()).isEqualTo("hello alice");
      }
    }
  }

  @Test
  void closeSendsGoAwayToConnectedDownlinks() throws Exception {
    LinkgateServer node = LinkgateServer.start(TestNodes.loopback());
    BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    CompletableFuture<Throwable> closed = new CompletableFuture<>();
    ClientTransport tcp = ClientTransports.load(null).get("tcp").create(ClientTransportOptions.defaults());
    try (tcp) {
      Hello hello =
          Hello.newBuilder().setToken(TestNodes.token("carol")).setDeviceId("raw").setRole(Role.DOWNLINK).build();
      get(
          tcp.openDownlink(
              TestNodes.endpoint(node, Role.DOWNLINK),
              hello,
              new ClientDownlink.Listener() {
                @Override
                public void onFrame(Frame frame) {
                  frames.add(frame);
                }

                @Override
                public void onClosed(Throwable cause) {
                  closed.complete(cause);
                }
              }));

      node.close();

      Frame last = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(last).isNotNull();
      assertThat(last.getKindCase()).isEqualTo(Frame.KindCase.GO_AWAY);
      assertThat(last.getGoAway().getReason()).isEqualTo("node draining");
      closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(node.isRunning()).isFalse();
    } finally {
      node.close();
    }
  }

  @Test
  void unknownTransportNameFailsListingTheKnownOnes() {
    LinkgateConfig config =
        TestNodes.loopback()
            .withTransports(
                new TransportsConfig(
                    List.of(ListenerConfig.tcp(0)),
                    List.of(new ListenerConfig("quic", List.of(0), null, null))));

    assertThatThrownBy(() -> LinkgateServer.start(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown uplink transport 'quic' at transports.uplink[0]")
        .hasMessageContaining("known uplink transports: [")
        .hasMessageContaining("tcp")
        .hasMessageContaining("http-tunnel")
        .hasMessageContaining("grpc");
  }

  @Test
  void portAlreadyInUseFailsTheStartNamingTheTransport() throws Exception {
    try (LinkgateServer first = LinkgateServer.start(TestNodes.loopback())) {
      int taken = TestNodes.endpoint(first, Role.UPLINK).getPort();
      LinkgateConfig clash = TestNodes.loopback().withTransports(TransportsConfig.tcp(0, taken));

      assertThatThrownBy(() -> LinkgateServer.start(clash))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("cannot start the tcp uplink on ports [" + taken + "]");
    }
  }

  @Test
  void developmentSecretIsUsedWhenNoneIsConfigured() throws Exception {
    LinkgateConfig noSecret = TestNodes.loopback().withAuthSecret(null);
    try (LinkgateServer node =
        LinkgateServer.start(noSecret, java.util.Map.of(), LinkgateServerTest.class.getClassLoader())) {
      String devToken =
          io.linkgate.router.Hs256Authenticator.mint(
              io.linkgate.server.internal.AuthSecret.DEVELOPMENT.getBytes(StandardCharsets.UTF_8),
              "dave",
              Duration.ofMinutes(1));
      BlockingQueue<Push> pushes = new LinkedBlockingQueue<>();
      try (LinkgateClient dave =
          LinkgateClient.builder()
              .downlinkEndpoints(List.of(TestNodes.endpoint(node, Role.DOWNLINK)))
              .token(devToken)
              .deviceId("d")
              .pushListener(pushes::offer)
              .build()) {
        assertThat(get(dave.connect()).getUserId()).isEqualTo("dave");
      }
    }
  }

  private static Push nextFrom(BlockingQueue<Push> pushes, String from) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Push p = pushes.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (p != null && p.getFrom().equals(from)) {
        return p;
      }
    }
    throw new AssertionError("no push from " + from + " within " + WAIT);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }
}

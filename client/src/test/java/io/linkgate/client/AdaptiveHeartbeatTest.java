package io.linkgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.Limits;
import io.linkgate.router.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The adaptive heartbeat against a real node, behind a middlebox that forgets idle connections. */
class AdaptiveHeartbeatTest {
  private static final Duration NAT_TIMEOUT = Duration.ofSeconds(3);
  private static final Backoff FAST = new Backoff(
      Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.5, Duration.ofSeconds(30));

  private final Closer closer = new Closer();
  private final Recorder recorder = new Recorder();

  @AfterEach
  void tearDown() throws Exception {
    closer.closeAll();
  }

  /** A node that grants heartbeats between {@code minMs} and {@code maxMs}. */
  private Node node(int minMs, int maxMs) throws Exception {
    Limits d = Limits.defaults();
    return closer.keep(Node.withLimits(new Limits(d.maxFrameBytes(), d.outboundQueueBytes(),
        d.handshakeTimeout(), minMs, maxMs, minMs, d.heartbeatMissFactor(), d.uplinkIdleTimeout())));
  }

  private LinkgateClient.Builder client(String host, int port) {
    return recorder.listening(LinkgateClient.builder())
        .downlinkEndpoints(List.of(Endpoints.of("tcp", Role.DOWNLINK, host, port)))
        .token(Node.token("alice"))
        .deviceId("alice-phone")
        .network("cell:46001")
        .backoff(FAST);
  }

  @Test
  void learnsAnIntervalBelowAMiddleboxIdleTimeoutAndThenStaysConnected() throws Exception {
    Node node = node(1_000, 10_000);
    IdleKillingProxy nat = closer.keep(IdleKillingProxy.start(
        "127.0.0.1", node.downlinkEndpoint().getPort(), NAT_TIMEOUT));
    long started = System.nanoTime();

    closer.connected(client("127.0.0.1", nat.port())
        .heartbeat(Duration.ofSeconds(1))
        .adaptiveHeartbeat(Duration.ofSeconds(1), Duration.ofSeconds(10)));

    // Probing 1 s, 1.5 s, 2.25 s, then 3.375 s: past the NAT's 3 s the flow is forgotten and the
    // client hears nothing, so it reconnects at the last interval that survived.
    await().atMost(Duration.ofSeconds(30)).until(() -> recorder.count(ConnectionState.CONNECTED) == 2);
    long settledAt = System.nanoTime();
    List<ConnectionEvent> connected = recorder.events.stream()
        .filter(e -> e.state() == ConnectionState.CONNECTED).toList();
    assertThat(connected.get(0).heartbeat()).isEqualTo(Duration.ofSeconds(1));
    Duration settled = connected.get(1).heartbeat();
    // 2.25 s; 1.5 s if a busy machine delayed a 2.25 s ping past the NAT's 3 s.
    assertThat(settled).isLessThan(NAT_TIMEOUT).isGreaterThan(Duration.ofSeconds(1));
    assertThat(recorder.reasons).anyMatch(r -> r.contains("no frame from the server"));
    assertThat(nat.killed()).isEqualTo(1);

    Thread.sleep(10_000); // several idle periods at the settled interval
    node.router.push("alice", Message.of("system", "user:alice",
        "still there?".getBytes(StandardCharsets.UTF_8)));
    await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.pushes.isEmpty());

    assertThat(recorder.count(ConnectionState.CONNECTED)).isEqualTo(2);
    assertThat(nat.killed()).isEqualTo(1);
    IdleKillingProxy.Flow first = nat.flows.get(0);
    IdleKillingProxy.Flow second = nat.flows.get(1);
    assertThat(second.maxClientQuietMs()).isLessThan(NAT_TIMEOUT.toMillis());
    System.out.printf(
        "adaptive heartbeat: first connection's client gaps %s ms (killed); settled on %d ms after"
            + " %d ms; second connection's gaps %s ms, no reconnect for %d ms%n",
        first.clientQuietMs, settled.toMillis(), (settledAt - started) / 1_000_000,
        second.clientQuietMs, (System.nanoTime() - settledAt) / 1_000_000);
  }

  @Test
  void pingsNoSlowerThanTheNodeGrantsWhateverItLearned() throws Exception {
    Node node = node(500, 1_500);

    closer.connected(client("127.0.0.1", node.downlinkEndpoint().getPort())
        .heartbeat(Duration.ofSeconds(1))
        .adaptiveHeartbeat(Duration.ofSeconds(1), Duration.ofSeconds(60)));

    // The node grants at most 1.5 s and closes a downlink silent for 3.75 s.
    Thread.sleep(6_000);
    assertThat(recorder.count(ConnectionState.CONNECTED)).isEqualTo(1);
    assertThat(recorder.count(ConnectionState.DISCONNECTED)).isZero();
  }
}

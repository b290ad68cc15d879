package io.linkgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.linkgate.api.GatewayException;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Role;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Racing connection attempts, over real sockets on loopback: an endpoint that drops or ignores the
 * connection costs one stagger, not a connect timeout; only one connection is kept.
 */
class RacingConnectorTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** Far below the 10 s connect timeout, far above a 250 ms stagger on a loaded machine. */
  private static final long WITHIN_A_STAGGER_MS = 3_000;
  private static final Backoff FAST = new Backoff(
      Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.5, Duration.ofSeconds(30));

  private final Closer closer = new Closer();
  private final Recorder recorder = new Recorder();

  @AfterEach
  void tearDown() throws Exception {
    closer.closeAll();
  }

  private LinkgateClient.Builder downlinkClient(List<Endpoint> endpoints, String token) {
    return recorder.listening(LinkgateClient.builder().downlinkEndpoints(endpoints))
        .token(token)
        .deviceId("racer")
        .backoff(FAST);
  }

  private long millisToConnect(LinkgateClient.Builder b) throws Exception {
    long start = System.nanoTime();
    closer.connected(b);
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private static ClientTransportOptions connectTimeout(Duration timeout) {
    ClientTransportOptions d = ClientTransportOptions.defaults();
    return new ClientTransportOptions(
        d.maxFrameBytes(), timeout, d.proxy(), d.trustAllCertificates(), d.options());
  }

  private static Endpoint refusing(Role role) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return Endpoints.of("tcp", role, "127.0.0.1", s.getLocalPort()); // nothing listens once closed
    }
  }

  @Test
  void anEndpointThatDropsSynsCostsOneStaggerNotAConnectTimeout() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // free now; nothing listens on it once closed
    }
    try {
      closer.keep(io.linkgate.testing.PortBlock.dropSyns(port));
    } catch (IllegalStateException e) {
      assumeTrue(false, "iptables not usable: " + e.getMessage());
      return;
    }
    Node node = closer.keep(Node.start());
    Endpoint dropped = Endpoints.of("tcp", Role.DOWNLINK, "127.0.0.1", port);

    long ms = millisToConnect(
        downlinkClient(List.of(dropped, node.downlinkEndpoint()), Node.token("alice")));

    System.out.println("connected past a SYN black hole in " + ms + " ms");
    assertThat(ms).isLessThan(WITHIN_A_STAGGER_MS);
    ConnectionEvent connected = recorder.first(ConnectionState.CONNECTED);
    assertThat(connected.endpoint()).contains(node.downlinkEndpoint());
    assertThat(connected.transport()).contains("tcp");
    assertThat(connected.attempt()).isEqualTo(1);
  }

  @Test
  void anEndpointThatAcceptsButNeverWelcomesCostsOneStagger() throws Exception {
    HandshakeServer silent = closer.keep(HandshakeServer.silent());
    Node node = closer.keep(Node.start());

    long ms = millisToConnect(downlinkClient(
        List.of(silent.endpoint(Role.DOWNLINK), node.downlinkEndpoint()), Node.token("alice")));

    System.out.println("connected past a silent server in " + ms + " ms");
    assertThat(ms).isLessThan(WITHIN_A_STAGGER_MS);
    assertThat(silent.accepted.get()).isEqualTo(1); // it was tried first, and left behind
    assertThat(recorder.first(ConnectionState.CONNECTED).endpoint())
        .contains(node.downlinkEndpoint());
  }

  @Test
  void withoutRacingASilentEndpointCostsTheConnectTimeout() throws Exception {
    HandshakeServer silent = closer.keep(HandshakeServer.silent());
    Node node = closer.keep(Node.start());

    long ms = millisToConnect(downlinkClient(
            List.of(silent.endpoint(Role.DOWNLINK), node.downlinkEndpoint()), Node.token("alice"))
        .racing(false)
        .transportOptions(connectTimeout(Duration.ofSeconds(1))));

    System.out.println("sequential past a silent server in " + ms + " ms");
    assertThat(ms).isGreaterThanOrEqualTo(900);
    assertThat(recorder.first(ConnectionState.CONNECTED).endpoint())
        .contains(node.downlinkEndpoint());
  }

  @Test
  void aFailedAttemptStartsTheNextAtOnceInsteadOfWaitingOutTheStagger() throws Exception {
    Node node = closer.keep(Node.start());

    long ms = millisToConnect(downlinkClient(
            List.of(refusing(Role.DOWNLINK), refusing(Role.DOWNLINK), node.downlinkEndpoint()),
            Node.token("alice"))
        .racing(Duration.ofSeconds(5), 3));

    assertThat(ms).isLessThan(WITHIN_A_STAGGER_MS);
  }

  @Test
  void whenTwoCompleteOnlyOneIsKeptAndTheOtherServerSeesItsConnectionClosed() throws Exception {
    HandshakeServer a = closer.keep(HandshakeServer.welcoming("a", 0));
    HandshakeServer b = closer.keep(HandshakeServer.welcoming("b", 0));

    millisToConnect(downlinkClient(
            List.of(a.endpoint(Role.DOWNLINK), b.endpoint(Role.DOWNLINK)), Node.token("alice"))
        .racing(Duration.ZERO, 3)); // both start at once

    await().atMost(WAIT).until(() -> a.welcomed.get() + b.welcomed.get() == 2);
    await().atMost(WAIT).until(() -> a.closedByClient.get() + b.closedByClient.get() == 1);
    HandshakeServer kept = a.open() == 1 ? a : b;
    assertThat(recorder.first(ConnectionState.CONNECTED).endpoint())
        .contains(kept.endpoint(Role.DOWNLINK));
    Thread.sleep(300); // and it stays that way
    assertThat(a.open() + b.open()).isEqualTo(1);
  }

  @Test
  void aConnectionThatCompletesAfterTheRaceWasWonIsClosed() throws Exception {
    HandshakeServer slow = closer.keep(HandshakeServer.welcoming("slow", 1_000));
    HandshakeServer fast = closer.keep(HandshakeServer.welcoming("fast", 0));

    millisToConnect(downlinkClient(
        List.of(slow.endpoint(Role.DOWNLINK), fast.endpoint(Role.DOWNLINK)), Node.token("alice")));

    assertThat(recorder.first(ConnectionState.CONNECTED).endpoint())
        .contains(fast.endpoint(Role.DOWNLINK));
    await().atMost(WAIT).until(() -> slow.welcomed.get() == 1 && slow.closedByClient.get() == 1);
    assertThat(fast.open()).isEqualTo(1);
  }

  @Test
  void aRefusedTokenFailsTheConnectAtOnceWithoutTryingTheOthers() throws Exception {
    Node node = closer.keep(Node.start());
    HandshakeServer next = closer.keep(HandshakeServer.welcoming("next", 0));
    LinkgateClient client = closer.keep(downlinkClient(
            List.of(node.downlinkEndpoint(), next.endpoint(Role.DOWNLINK)), "not-a-token")
        .racing(Duration.ofSeconds(5), 3)
        .build());

    long start = System.nanoTime();
    assertThatThrownBy(() -> client.connect().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(GatewayException.class,
            g -> assertThat(g.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    // Had the refusal counted as an ordinary failure, the next endpoint would have been tried at
    // once and welcomed the client; it was not even contacted.
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
    Thread.sleep(500);
    assertThat(next.accepted.get()).isZero();
  }

  @Test
  void whenEveryEndpointFailsTheReasonNamesEachAndWhy() throws Exception {
    Endpoint one = refusing(Role.DOWNLINK);
    Endpoint two = refusing(Role.DOWNLINK);
    LinkgateClient client = closer.keep(downlinkClient(List.of(one, two), Node.token("alice")).build());
    client.connect();

    await().atMost(WAIT).until(() -> recorder.events.stream()
        .anyMatch(e -> e.state() == ConnectionState.RECONNECTING));
    ConnectionEvent retry = recorder.first(ConnectionState.RECONNECTING);
    assertThat(retry.reason())
        .contains(Endpoints.describe(one) + " (", Endpoints.describe(two) + " (")
        .containsIgnoringCase("refused");
    assertThat(retry.attempt()).isEqualTo(2); // the attempt that comes next
  }

  @Test
  void uplinksRaceToo() throws Exception {
    HandshakeServer silent = closer.keep(HandshakeServer.silent());
    Node node = closer.keep(Node.start());
    LinkgateClient sender = closer.keep(LinkgateClient.builder()
        .uplinkEndpoints(List.of(silent.endpoint(Role.UPLINK), node.uplinkEndpoint()))
        .token(Node.token("alice"))
        .deviceId("alice-sender")
        .build());

    long start = System.nanoTime();
    sender.send("user:bob", "hi".getBytes(StandardCharsets.UTF_8))
        .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .isLessThan(WITHIN_A_STAGGER_MS);
    assertThat(silent.accepted.get()).isEqualTo(1);
  }


  @Test
  void theWinnerIsTriedFirstOnTheNextConnect() throws Exception {
    HandshakeServer silent = closer.keep(HandshakeServer.silent());
    Node node = closer.keep(Node.start());
    millisToConnect(downlinkClient(
        List.of(silent.endpoint(Role.DOWNLINK), node.downlinkEndpoint()), Node.token("alice")));

    node.restartDownlink(); // drops the connection; the client reconnects
    await().atMost(WAIT).until(() -> recorder.count(ConnectionState.CONNECTED) == 2);

    assertThat(silent.accepted.get()).isEqualTo(1); // only the first connect went there
  }

  @Test
  void noMoreThanMaxInFlightAttemptsAreOpenAtOnce() throws Exception {
    HandshakeServer first = closer.keep(HandshakeServer.silent());
    HandshakeServer second = closer.keep(HandshakeServer.silent());
    HandshakeServer third = closer.keep(HandshakeServer.silent());
    Node node = closer.keep(Node.start());
    LinkgateClient client = closer.keep(downlinkClient(
            List.of(first.endpoint(Role.DOWNLINK), second.endpoint(Role.DOWNLINK),
                third.endpoint(Role.DOWNLINK), node.downlinkEndpoint()),
            Node.token("alice"))
        .racing(Duration.ofMillis(100), 2)
        .transportOptions(connectTimeout(Duration.ofSeconds(2)))
        .build());

    var connected = client.connect().toCompletableFuture();
    await().atMost(WAIT).until(() -> second.accepted.get() == 1);
    Thread.sleep(500); // five staggers: a third attempt would have started by now

    assertThat(third.accepted.get()).isZero();
    assertThat(connected).isNotDone();
    // The two silent ones time out (2 s), which starts the next two; the node wins.
    connected.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(first.accepted.get()).isEqualTo(1);
    assertThat(recorder.first(ConnectionState.CONNECTED).endpoint())
        .contains(node.downlinkEndpoint());
  }
}

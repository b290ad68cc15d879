package io.linkgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.GoAway;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Welcome;
import io.linkgate.client.fake.FakeServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The downlink's rules, against a scripted server. */
class DownlinkBehaviourTest {
  private static final Backoff FAST = new Backoff(
      Duration.ofMillis(10), Duration.ofMillis(50), 2.0, 0.5, Duration.ofSeconds(30));

  private final FakeServer server = FakeServer.start();
  private final Recorder recorder = new Recorder();
  private final List<LinkgateClient> clients = new ArrayList<>();

  @AfterEach
  void tearDown() {
    clients.forEach(LinkgateClient::close);
    server.close();
  }

  private LinkgateClient.Builder builder() {
    return LinkgateClient.builder()
        .downlinkEndpoints(List.of(server.endpoint(Role.DOWNLINK)))
        .token("t")
        .deviceId("d1")
        .backoff(FAST)
        .pushListener(recorder)
        .stateListener(recorder);
  }

  private LinkgateClient connect(LinkgateClient.Builder b) throws Exception {
    LinkgateClient c = b.build();
    clients.add(c);
    c.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return c;
  }

  @Test
  void pushesAlreadyReceivedAreDroppedBySeq() throws Exception {
    connect(builder());
    FakeServer.Downlink d = server.nextDownlink();
    d.pushSeqs(1, 2, 2, 3, 1, 3, 4);

    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.seqs().size() >= 4);
    d.pushSeqs(5);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.seqs().size() >= 5);
    assertThat(recorder.seqs()).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void roomPushesAreDeliveredAsTheyCome() throws Exception {
    connect(builder());
    FakeServer.Downlink d = server.nextDownlink();
    d.pushSeqs(0, 1, 0, 0, 2);

    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.pushes.size() == 5);
    assertThat(recorder.pushes).extracting(p -> p.getSeq()).containsExactly(0L, 1L, 0L, 0L, 2L);
  }

  @Test
  void aGapIsNotDeliveredButResumedFromTheLastContiguousSeq() throws Exception {
    connect(builder());
    FakeServer.Downlink first = server.nextDownlink();
    first.pushSeqs(1, 2, 4, 5);

    FakeServer.Downlink second = server.nextDownlink();
    assertThat(second.hello.getResumeFromSeq()).isEqualTo(2);
    assertThat(first.closedByClient).succeedsWithin(Duration.ofSeconds(10));
    second.pushSeqs(3, 4, 5);

    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.seqs().size() >= 5);
    assertThat(recorder.seqs()).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void reconnectsAfterALostConnectionAndResumes() throws Exception {
    LinkgateClient client = connect(builder());
    FakeServer.Downlink first = server.nextDownlink();
    first.pushSeqs(1, 2, 3);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.seqs().size() == 3);

    first.drop();
    FakeServer.Downlink second = server.nextDownlink();
    assertThat(second.hello.getResumeFromSeq()).isEqualTo(3);
    assertThat(second.hello.getResumeEpoch()).isEqualTo("e1");
    second.pushSeqs(4);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.seqs().size() == 4);
    assertThat(client.cursor()).isEqualTo(new Cursor(4, "e1"));
    assertThat(recorder.states).containsSubsequence(
        ConnectionState.CONNECTING, ConnectionState.CONNECTED, ConnectionState.DISCONNECTED,
        ConnectionState.RECONNECTING, ConnectionState.CONNECTED);
  }

  @Test
  void aPersistedCursorIsWhereARestartedClientResumes() throws Exception {
    connect(builder().resumeFrom(new Cursor(41, "e1")));
    FakeServer.Downlink d = server.nextDownlink();
    assertThat(d.hello.getResumeFromSeq()).isEqualTo(41);
    assertThat(d.hello.getResumeEpoch()).isEqualTo("e1");
    d.pushSeqs(41, 42);
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.seqs().size() == 1);
    assertThat(recorder.seqs()).containsExactly(42L);
    assertThat(recorder.resyncs).isEmpty();
  }

  @Test
  void aNewEpochRequiresResyncAndAcceptsPushesFromWhereTheyStart() throws Exception {
    server.welcomer = hello -> FakeServer.welcome(hello, true, "e2", 7);
    LinkgateClient client = connect(builder().resumeFrom(new Cursor(100, "e1")));
    FakeServer.Downlink d = server.nextDownlink();
    d.pushSeqs(1, 2);

    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.seqs().size() == 2);
    assertThat(recorder.resyncs).singleElement().extracting(Welcome::getEpoch).isEqualTo("e2");
    assertThat(recorder.seqs()).containsExactly(1L, 2L);
    assertThat(client.cursor()).isEqualTo(new Cursor(2, "e2"));
  }

  @Test
  void anUnresumedWelcomeRequiresResync() throws Exception {
    server.welcomer = hello -> FakeServer.welcome(hello, false, "e1", 500);
    connect(builder().resumeFrom(new Cursor(3, "e1")));
    FakeServer.Downlink d = server.nextDownlink();
    d.pushSeqs(501);

    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.seqs().size() == 1);
    assertThat(recorder.resyncs).hasSize(1);
    assertThat(recorder.seqs()).containsExactly(501L);
  }

  @Test
  void acksAreCumulativeAndBatched() throws Exception {
    connect(builder());
    FakeServer.Downlink d = server.nextDownlink();
    d.pushSeqs(LongStream.rangeClosed(1, 100).toArray());

    List<Long> acks = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      Frame f;
      while ((f = d.fromClient.poll()) != null) {
        if (f.hasPushAck()) {
          acks.add(f.getPushAck().getUpToSeq());
        }
      }
      return !acks.isEmpty() && acks.get(acks.size() - 1) == 100;
    });
    assertThat(acks).isSorted().hasSizeLessThan(100);
  }

  @Test
  void pingsEveryIntervalAndStaysConnectedWhileAnswered() throws Exception {
    connect(builder().heartbeat(Duration.ofMillis(250)));
    FakeServer.Downlink d = server.nextDownlink();

    AtomicInteger pings = new AtomicInteger();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      Frame f;
      while ((f = d.fromClient.poll()) != null) {
        if (f.hasPing()) {
          pings.incrementAndGet();
        }
      }
      return pings.get() >= 4; // more than 2.5 intervals have passed
    });
    assertThat(server.downlinks).isEmpty();
    assertThat(d.isOpen()).isTrue();
  }

  @Test
  void aSilentServerIsDroppedAfterTwoAndAHalfIntervals() throws Exception {
    server.autoPong = false;
    connect(builder().heartbeat(Duration.ofMillis(40)));
    FakeServer.Downlink first = server.nextDownlink();

    FakeServer.Downlink second = server.nextDownlink();
    assertThat(first.closedByClient).succeedsWithin(Duration.ofSeconds(10));
    assertThat(second.hello.getResumeFromSeq()).isZero();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(recorder.reasons).anyMatch(r -> r.contains("no frame from the server")));
  }

  @Test
  void goAwaySendsTheClientToTheNamedEndpointAndItResumes() throws Exception {
    try (FakeServer other = FakeServer.start()) {
      // resetAfter zero: every connection counts as healthy, so the GoAway is followed promptly.
      connect(builder().backoff(new Backoff(
          Duration.ofMillis(10), Duration.ofMillis(50), 2.0, 0.5, Duration.ZERO)));
      FakeServer.Downlink d = server.nextDownlink();
      d.pushSeqs(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> recorder.seqs().size() == 1);

      Endpoint target = other.endpoint(Role.DOWNLINK);
      d.deliver(Frame.newBuilder().setGoAway(
          GoAway.newBuilder().setReason("draining").addReconnectTo(target)).build());

      FakeServer.Downlink moved = other.nextDownlink();
      assertThat(moved.hello.getResumeFromSeq()).isEqualTo(1);
      moved.pushSeqs(2);
      await().atMost(Duration.ofSeconds(10)).until(() -> recorder.seqs().size() == 2);
      assertThat(server.downlinks).isEmpty();
    }
  }

  @Test
  void subscriptionsAreSentAgainAfterEveryReconnect() throws Exception {
    LinkgateClient client = connect(builder());
    FakeServer.Downlink first = server.nextDownlink();
    client.subscribe("live-1");
    client.subscribe("live-2");
    client.unsubscribe("live-2");
    await().atMost(Duration.ofSeconds(10)).until(() -> first.fromClient.stream()
        .anyMatch(f -> f.hasUnsubscribe()));

    first.drop();
    FakeServer.Downlink second = server.nextDownlink();
    await().atMost(Duration.ofSeconds(10)).until(() -> second.fromClient.stream()
        .anyMatch(f -> f.hasSubscribe()));
    assertThat(second.fromClient).filteredOn(Frame::hasSubscribe)
        .extracting(f -> f.getSubscribe().getRoom()).containsExactly("live-1");
  }

  @Test
  void anErrorThatDoesNotCloseTheConnectionKeepsIt() throws Exception {
    LinkgateClient client = connect(builder());
    FakeServer.Downlink d = server.nextDownlink();
    client.subscribe("room-65");
    d.deliver(io.linkgate.api.Frames.error(ErrorCode.RATE_LIMITED, "too many rooms"));
    d.pushSeqs(1);

    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.seqs().size() == 1);
    assertThat(d.isOpen()).isTrue();
    assertThat(recorder.states).doesNotContain(ConnectionState.DISCONNECTED);
  }

  @Test
  void anErrorFollowedByACloseIsTheReasonReported() throws Exception {
    connect(builder());
    FakeServer.Downlink d = server.nextDownlink();
    d.deliver(io.linkgate.api.Frames.error(ErrorCode.RESYNC_REQUIRED, "seq space changed"));
    d.drop();

    server.nextDownlink();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(recorder.reasons)
        .contains("DISCONNECTED: server error RESYNC_REQUIRED: seq space changed"));
  }

  @Test
  void aRefusedTokenStopsWithoutRetrying() throws Exception {
    server.welcomer = hello -> new GatewayException(ErrorCode.UNAUTHENTICATED, "bad signature");
    LinkgateClient client = builder().build();
    clients.add(client);

    var failure = client.connect().toCompletableFuture();
    assertThat(failure).failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(GatewayException.class)
        .satisfies(e -> assertThat(((GatewayException) e).code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.states.contains(ConnectionState.STOPPED));
    assertThat(client.state()).isEqualTo(ConnectionState.STOPPED);
    assertThat(server.hellos).hasSize(1);
    assertThat(recorder.states).doesNotContain(ConnectionState.RECONNECTING);
  }

  @Test
  void aRefusedTokenIsRetriedWhenTheSupplierHasANewOne() throws Exception {
    AtomicReference<String> token = new AtomicReference<>("old");
    server.welcomer = hello -> hello.getToken().equals("old")
        ? new GatewayException(ErrorCode.UNAUTHENTICATED, "expired")
        : FakeServer.welcome(hello, true, "e1", 0);
    LinkgateClient client = builder().tokenSupplier(() -> {
      String t = token.get();
      token.set("new"); // the app refreshed its token after the first use
      return t;
    }).build();
    clients.add(client);

    assertThat(client.connect().toCompletableFuture()).succeedsWithin(Duration.ofSeconds(10));
    assertThat(server.hellos).extracting(h -> h.getToken()).containsExactly("old", "new");
  }

  @Test
  void aSlowListenerPausesTheDownlinkAndNothingIsLostOrDoubled() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    PushListener slow = push -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      seen.add(push.getSeq());
    };
    // Like the router: each new downlink replays everything after its resume point (up to 20).
    server.onDownlink = d -> d.pushSeqs(
        LongStream.rangeClosed(d.hello.getResumeFromSeq() + 1, 20).toArray());
    connect(builder().pushListener(slow).maxQueuedPushes(4));
    FakeServer.Downlink first = server.nextDownlink();

    assertThat(first.closedByClient).succeedsWithin(Duration.ofSeconds(10));
    release.countDown();

    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 20);
    assertThat(seen).containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
    assertThat(server.hellos.get(1).getResumeFromSeq()).isEqualTo(4);
  }

  @Test
  void closingSendsAFinalAckAndStops() throws Exception {
    LinkgateClient client = connect(builder().ackBatching(1000, Duration.ofSeconds(60)));
    FakeServer.Downlink d = server.nextDownlink();
    d.pushSeqs(1, 2, 3);
    await().atMost(Duration.ofSeconds(10)).until(() -> client.cursor().seq() == 3);

    client.close();
    assertThat(d.closedByClient).succeedsWithin(Duration.ofSeconds(10));
    assertThat(d.fromClient).filteredOn(Frame::hasPushAck)
        .extracting(f -> f.getPushAck().getUpToSeq()).containsExactly(3L);
    assertThat(client.state()).isEqualTo(ConnectionState.STOPPED);
  }
}

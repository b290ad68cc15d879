package io.linkgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.GoAway;
import io.linkgate.api.proto.Role;
import io.linkgate.client.fake.FakeServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the adaptive heartbeat blames on the interval, against a scripted server. */
class AdaptiveHeartbeatBehaviourTest {
  private static final long START_MS = 200;
  private static final long MAX_MS = 2_000;
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Backoff FAST = new Backoff(
      Duration.ofMillis(10), Duration.ofMillis(50), 2.0, 0.5, Duration.ofSeconds(30));

  private final FakeServer server = FakeServer.start();
  private final Recorder recorder = new Recorder();
  private LinkgateClient client;

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    server.close();
  }

  private FakeServer.Downlink connected(long startMs) throws Exception {
    client = recorder.listening(LinkgateClient.builder())
        .downlinkEndpoints(List.of(server.endpoint(Role.DOWNLINK)))
        .token("t")
        .deviceId("d1")
        .backoff(FAST)
        .heartbeat(Duration.ofMillis(startMs))
        .adaptiveHeartbeat(Duration.ofMillis(startMs), Duration.ofMillis(MAX_MS))
        .build();
    client.connect().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    FakeServer.Downlink d = server.nextDownlink();
    assertThat(d.hello.getHeartbeatMs()).isEqualTo(MAX_MS); // probing: room to step up
    return d;
  }

  /** Connects and lets the client survive a few idle periods, so it is probing past a good one. */
  private FakeServer.Downlink connectedAndProbing() throws Exception {
    FakeServer.Downlink d = connected(START_MS);
    AtomicInteger pings = new AtomicInteger();
    // 200, 200, then 300, 300 ms survived: now probing 450 ms.
    await().atMost(WAIT).until(() -> {
      pings.addAndGet(nextPings(d));
      return pings.get() >= 5;
    });
    return d;
  }

  private static int nextPings(FakeServer.Downlink d) {
    int n = 0;
    Frame f;
    while ((f = d.fromClient.poll()) != null) {
      n += f.hasPing() ? 1 : 0;
    }
    return n;
  }

  /** What the next connection's Hello proposed; the server answers pings again from then on. */
  private long reconnectedProposal() throws Exception {
    long proposal = server.nextDownlink().hello.getHeartbeatMs();
    server.autoPong = true;
    return proposal;
  }

  @Test
  void silenceWhileProbingPinsTheLastIntervalThatSurvived() throws Exception {
    connectedAndProbing();
    server.autoPong = false;

    long proposal = reconnectedProposal();

    assertThat(proposal).isBetween(300L, 450L); // not probing any more: exactly what it learned
    await().atMost(WAIT).until(() -> recorder.count(ConnectionState.CONNECTED) == 2);
    assertThat(recorder.events).filteredOn(e -> e.state() == ConnectionState.CONNECTED)
        .extracting(e -> e.heartbeat().toMillis())
        .containsExactly(START_MS, proposal);
    assertThat(recorder.first(ConnectionState.DISCONNECTED).heartbeat().toMillis())
        .isEqualTo(proposal); // what the next connection starts at
  }

  @Test
  void aResetRightAfterAnIdlePingCountsAsTheMiddleboxTimingOut() throws Exception {
    FakeServer.Downlink d = connectedAndProbing();
    server.autoPong = false;
    await().atMost(WAIT).until(() -> nextPings(d) > 0);

    d.drop();

    assertThat(reconnectedProposal()).isBetween(300L, 450L);
  }

  @Test
  void aDropBetweenPingsIsNotBlamedOnTheInterval() throws Exception {
    FakeServer.Downlink d = connectedAndProbing();
    await().atMost(WAIT).until(() -> nextPings(d) > 0); // its pong is on the way, before the drop

    d.drop();

    assertThat(reconnectedProposal()).isEqualTo(MAX_MS);
  }

  @Test
  void aGoAwayIsNotBlamedOnTheIntervalAndWhatWasLearnedIsKept() throws Exception {
    FakeServer.Downlink d = connectedAndProbing();

    d.deliver(Frame.newBuilder().setGoAway(GoAway.newBuilder().setReason("draining")).build());

    assertThat(reconnectedProposal()).isEqualTo(MAX_MS);
    await().atMost(WAIT).until(() -> recorder.count(ConnectionState.CONNECTED) == 2);
    assertThat(recorder.events).filteredOn(e -> e.state() == ConnectionState.CONNECTED)
        .extracting(e -> e.heartbeat().toMillis())
        .last().isNotEqualTo(START_MS);
  }

  @Test
  void pushesFlowingProveNoIdlePeriodSoNothingIsLearned() throws Exception {
    long startMs = 300; // long enough that a busy machine's pauses do not look like idle periods
    FakeServer.Downlink d = connected(startMs);
    for (long seq = 1; seq <= 150; seq++) { // a frame every 10 ms: never idle for 240 ms
      d.pushSeqs(seq);
      Thread.sleep(10);
    }
    assertThat(nextPings(d)).isGreaterThanOrEqualTo(4); // it pinged all along

    d.deliver(Frame.newBuilder().setGoAway(GoAway.newBuilder().setReason("draining")).build());

    assertThat(reconnectedProposal()).isEqualTo(MAX_MS);
    await().atMost(WAIT).until(() -> recorder.count(ConnectionState.CONNECTED) == 2);
    assertThat(recorder.events).filteredOn(e -> e.state() == ConnectionState.CONNECTED)
        .extracting(e -> e.heartbeat().toMillis())
        .containsExactly(startMs, startMs);
  }
}

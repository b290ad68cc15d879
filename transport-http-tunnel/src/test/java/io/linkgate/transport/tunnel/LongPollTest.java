package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.GoAway;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The long-poll downlink at the wire: holds, wake-ups, lost responses, expiry, the end. */
class LongPollTest {
  private static final long SERVER_HOLD_MS = 10_000;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private TestNode node;

  @BeforeEach
  void start() throws Exception {
    node = TestNode.builder().option("poll-hold-ms", Long.toString(SERVER_HOLD_MS)).start();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  /** One poll's answer. */
  private record Answer(int status, boolean last, List<Frame> frames, long elapsedMs) {
    List<Long> seqs() {
      return frames.stream().filter(Frame::hasPush).map(f -> f.getPush().getSeq()).toList();
    }
  }

  private CompletableFuture<Answer> pollAsync(String user, String query) {
    long start = System.nanoTime();
    HttpRequest request =
        HttpRequest.newBuilder(
                node.uri(
                    Role.DOWNLINK,
                    "/v1/tunnel/downlink?mode=poll&device_id=" + user + "-phone" + query))
            .header("Authorization", "Bearer " + node.token(user))
            .GET()
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            r ->
                new Answer(
                    r.statusCode(),
                    r.headers().firstValue("X-Linkgate-Closed").isPresent(),
                    FrameCodec.decodeAll(r.body(), 65536, 1000),
                    (System.nanoTime() - start) / 1_000_000));
  }

  private Answer poll(String user, String query) {
    return TestNode.join(pollAsync(user, query));
  }

  /** Opens a session; returns its id. */
  private String open(String user, String query) {
    Answer first = poll(user, query);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.frames().get(0).hasWelcome()).as("the first poll's first frame").isTrue();
    assertThat(first.elapsedMs())
        .as("the first poll is answered at once")
        .isLessThan(SERVER_HOLD_MS);
    return first.frames().get(0).getWelcome().getSessionId();
  }

  @Test
  void aPollWithNothingWaitingReturnsEmptyAfterItsHold() {
    String session = open("alice", "");
    Answer asked = poll("alice", "&session_id=" + session + "&hold_ms=300");
    assertThat(asked.status()).isEqualTo(200);
    assertThat(asked.frames()).isEmpty();
    assertThat(asked.elapsedMs())
        .as("held for the hold the client asked")
        .isBetween(300L, SERVER_HOLD_MS / 2);
  }

  @Test
  void aLongerHoldThanTheServersIsCappedAtTheServers() throws Exception {
    TestNode shared = node;
    try (TestNode shortHold = TestNode.builder().option("poll-hold-ms", "800").start()) {
      node = shortHold;
      String session = open("alice", "");
      Answer capped = poll("alice", "&session_id=" + session + "&hold_ms=60000");
      assertThat(capped.frames()).isEmpty();
      assertThat(capped.elapsedMs()).isBetween(800L, SERVER_HOLD_MS / 2);
    } finally {
      node = shared;
    }
  }

  @Test
  void aPushWakesAWaitingPollPromptly() {
    String session = open("bob", "");
    CompletableFuture<Answer> held = pollAsync("bob", "&session_id=" + session + "&hold_ms=60000");
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(1))
        .until(() -> !held.isDone());
    long pushedAt = System.nanoTime();
    node.push("bob", "wake up");
    Answer woken = TestNode.join(held);
    long afterPushMs = (System.nanoTime() - pushedAt) / 1_000_000;
    assertThat(woken.frames()).hasSize(1);
    assertThat(woken.frames().get(0).getPush().getPayload().toStringUtf8()).isEqualTo("wake up");
    assertThat(afterPushMs)
        .as("answered right after the push, not at the hold's end")
        .isLessThan(1_000);
  }

  @Test
  void aLostPollResponseLosesNothing() {
    String session = open("carol", "");
    node.push("carol", "one");
    node.push("carol", "two");
    Answer lost = poll("carol", "&session_id=" + session);
    assertThat(lost.seqs()).containsExactly(1L, 2L);

    // That response never reached the client: it polls again from where it was.
    Answer again = poll("carol", "&session_id=" + session + "&resume_from_seq=0");
    assertThat(again.seqs()).as("the pushes of the lost response, again").containsExactly(1L, 2L);

    node.push("carol", "three");
    Answer next = poll("carol", "&session_id=" + session + "&resume_from_seq=2");
    assertThat(next.seqs()).as("confirmed pushes are not sent again").containsExactly(3L);

    Answer quiet = poll("carol", "&session_id=" + session + "&resume_from_seq=3&hold_ms=100");
    assertThat(quiet.frames()).isEmpty();
  }

  @Test
  void aNewPollAnswersTheHeldOneEmptyAtOnce() {
    String session = open("dave", "");
    CompletableFuture<Answer> first =
        pollAsync("dave", "&session_id=" + session + "&hold_ms=60000");
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(1))
        .until(() -> !first.isDone());
    CompletableFuture<Answer> second =
        pollAsync("dave", "&session_id=" + session + "&hold_ms=60000");
    Answer replaced = TestNode.join(first);
    assertThat(replaced.status()).isEqualTo(200);
    assertThat(replaced.frames()).isEmpty();
    assertThat(second.isDone()).as("the new poll is the one held now").isFalse();
    node.push("dave", "to the new poll");
    assertThat(TestNode.join(second).seqs()).containsExactly(1L);
  }

  @Test
  void anExpiredPollSessionIsClosed() throws Exception {
    TestNode shared = node;
    // Expiry: the server's hold plus the miss window of a 200 ms heartbeat, 500 ms.
    try (TestNode shortHold = TestNode.builder().option("poll-hold-ms", "500").start()) {
      node = shortHold;
      String session = open("erin", "&heartbeat_ms=200");
      assertThat(node.isOnline("erin")).isTrue();
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> !shortHold.isOnline("erin"));
      Answer after = poll("erin", "&session_id=" + session);
      assertThat(after.frames().get(0).hasWelcome())
          .as("a poll for the expired session opens a new one")
          .isTrue();
      assertThat(after.frames().get(0).getWelcome().getSessionId()).isNotEqualTo(session);
    } finally {
      node = shared;
    }
  }

  @Test
  void theClosingSessionsLastFramesComeWithTheClosedHeader() {
    String session = open("frank", "");
    CompletableFuture<Answer> held =
        pollAsync("frank", "&session_id=" + session + "&hold_ms=60000");
    node.router().drain(GoAway.newBuilder().setReason("test drain").build());
    Answer last = TestNode.join(held);
    assertThat(last.frames()).hasSize(1);
    assertThat(last.frames().get(0).getGoAway().getReason()).isEqualTo("test drain");
    assertThat(last.last()).as("X-Linkgate-Closed on the last answer").isTrue();
    await().atMost(5, TimeUnit.SECONDS).until(() -> !node.isOnline("frank"));
  }

  @Test
  void resumeFromSeqOnAPollAcknowledgesThePushes() {
    String session = open("gina", "");
    node.push("gina", "one");
    Push p = poll("gina", "&session_id=" + session).frames().get(0).getPush();
    pollAsync("gina", "&session_id=" + session + "&resume_from_seq=" + p.getSeq() + "&hold_ms=100");
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(
            () ->
                TestNode.join(node.router().sessionsOf("gina")).stream()
                    .allMatch(s -> s.ackedSeq() == p.getSeq()));
  }

  @Test
  void aSessionNotPolledPastTheOutboundBoundEndsAsASlowConsumerWithItsPushesGapFree() {
    String session = open("hank", "");
    for (int i = 0; i < 100; i++) {
      node.push("hank", "x".repeat(1024)); // 100 KiB into a 64 KiB bound, nobody polling
    }
    Answer last = poll("hank", "&session_id=" + session);
    List<Long> seqs = last.seqs();
    assertThat(seqs).as("a gap-free prefix").isNotEmpty();
    for (int i = 0; i < seqs.size(); i++) {
      assertThat(seqs.get(i)).isEqualTo(i + 1L);
    }
    assertThat(seqs.size()).as("far from all of them").isLessThan(100);
    Frame end = last.frames().get(last.frames().size() - 1);
    assertThat(end.getError().getCode()).isEqualTo(ErrorCode.SLOW_CONSUMER);
    assertThat(last.last()).as("X-Linkgate-Closed").isTrue();
  }
}

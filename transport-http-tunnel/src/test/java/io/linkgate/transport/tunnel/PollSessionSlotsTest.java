package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import io.linkgate.transport.tunnel.internal.server.ServerProbe;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Poll sessions outlive their requests, so the server counts them; no client may use up the count:
 * a device has one poll session (a new one replaces the old and frees its slot), a user a bounded
 * number, and a closed or abandoned session gives its slot back soon, whatever heartbeat its client
 * asked for.
 */
class PollSessionSlotsTest {
  private static final String FRAMES = "application/x-linkgate-frames";

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** One poll's answer. */
  private record Answer(int status, String error, List<Frame> frames) {
    String sessionId() {
      return frames.get(0).getWelcome().getSessionId();
    }
  }

  private Answer poll(TestNode node, String user, String device, String query) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(
                    node.uri(
                        Role.DOWNLINK,
                        "/v1/tunnel/downlink?mode=poll&hold_ms=100&device_id=" + device + query))
                .header("Authorization", "Bearer " + node.token(user))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    return new Answer(
        r.statusCode(),
        r.headers().firstValue("X-Linkgate-Error").orElse(""),
        FrameCodec.decodeAll(r.body(), 65536, 1000));
  }

  private Answer open(TestNode node, String user, String device, String query) throws Exception {
    Answer a = poll(node, user, device, query);
    assertThat(a.status()).as("open %s's %s: %s", user, device, a).isEqualTo(200);
    assertThat(a.frames().get(0).hasWelcome()).isTrue();
    return a;
  }

  @Test
  void aDevicesNewPollSessionReplacesItsOldOneAndFreesItsSlot() throws Exception {
    try (TestNode node = TestNode.builder().option("max-poll-sessions", "3").start()) {
      String first = open(node, "mallory", "phone", "").sessionId();
      for (int i = 0; i < 10; i++) {
        open(node, "mallory", "phone", "&heartbeat_ms=20000");
      }
      assertThat(ServerProbe.pollSessions(node.downlinkTransport()))
          .as("poll sessions held for one device")
          .isEqualTo(1);
      assertThat(TestNode.join(node.router().sessionsOf("mallory"))).hasSize(1);
      open(node, "bob", "laptop", "");

      Answer old = poll(node, "mallory", "phone", "&session_id=" + first);
      assertThat(old.sessionId())
          .as("the replaced session is gone: a new one opens")
          .isNotEqualTo(first);
    }
  }

  @Test
  void aUserHoldsAtMostItsCapOfPollSessions() throws Exception {
    try (TestNode node = TestNode.builder().option("max-poll-sessions-per-user", "2").start()) {
      open(node, "mallory", "d1", "");
      open(node, "mallory", "d2", "");
      Answer third = poll(node, "mallory", "d3", "");
      assertThat(third.status()).isEqualTo(429);
      assertThat(third.error()).isEqualTo("RATE_LIMITED");
      open(node, "mallory", "d1", ""); // a device's new session replaces its old one: allowed
      open(node, "bob", "d1", "");
      assertThat(ServerProbe.pollSessions(node.downlinkTransport())).isEqualTo(3);
    }
  }

  @Test
  void aClosedSessionNobodyPollsAgainFreesItsSlotAfterOneHold() throws Exception {
    try (TestNode node =
        TestNode.builder().option("poll-hold-ms", "500").option("max-poll-sessions", "1").start()) {
      String session = open(node, "alice", "phone", "&heartbeat_ms=20000").sessionId();
      // A bad frame for the session ends it; its client never comes for the last answer.
      HttpResponse<byte[]> bad =
          http.send(
              HttpRequest.newBuilder(
                      node.uri(
                          Role.DOWNLINK,
                          "/v1/tunnel/downlink?device_id=phone&session_id=" + session))
                  .header("Authorization", "Bearer " + node.token("alice"))
                  .header("Content-Type", FRAMES)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {0x03, 0x0A, 0x7F, 0}))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(bad.statusCode()).isEqualTo(200);
      long closedAt = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> ServerProbe.pollSessions(node.downlinkTransport()) == 0);
      assertThat(Duration.ofNanos(System.nanoTime() - closedAt))
          .as("freed one hold after the close, not when its 50 s expiry ran out")
          .isBetween(Duration.ofMillis(300), Duration.ofSeconds(3));
      open(node, "bob", "laptop", "");
    }
  }

  @Test
  void aLongHeartbeatDoesNotKeepAnAbandonedSessionPastHoldPlusIdleTimeout() throws Exception {
    try (TestNode node =
        TestNode.builder()
            .option("poll-hold-ms", "500")
            .option("idle-timeout-ms", "1500")
            .start()) {
      long start = System.nanoTime();
      open(node, "erin", "phone", "&heartbeat_ms=20000"); // miss window 50 s
      await().atMost(Duration.ofSeconds(6)).until(() -> !node.isOnline("erin"));
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("expired after the hold plus the idle timeout (2 s)")
          .isBetween(Duration.ofMillis(1_800), Duration.ofSeconds(5));
      assertThat(ServerProbe.pollSessions(node.downlinkTransport())).isZero();
    }
  }
}

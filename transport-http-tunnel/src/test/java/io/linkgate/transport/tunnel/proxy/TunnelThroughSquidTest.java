package io.linkgate.transport.tunnel.proxy;

import io.linkgate.testing.SquidProxy;
import io.linkgate.testing.AccessLog;
import static io.linkgate.transport.tunnel.proxy.TunnelGateway.join;
import static io.linkgate.transport.tunnel.proxy.TunnelGateway.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.Frames;
import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tunnel client through a real squid that allows plain HTTP to the gateway's two ports and
 * nothing else: the streamed and the long-polled downlink, the uplink, and how fast a message gets
 * from one client to another on the way.
 */
class TunnelThroughSquidTest {
  private static final String DOWNLINK_PATH = "/v1/tunnel/downlink";
  private static final String UPLINK_PATH = "/v1/tunnel/uplink";

  /**
   * Far above what squid adds (a few ms), far below anything a proxy holding a frame back would
   * cause: the stream only ends after minutes (its max age) and a poll after its 20 s hold.
   */
  private static final long PROMPT_MS = 1_000;

  private static TunnelGateway gateway;
  private static SquidProxy squid;

  @BeforeAll
  static void startGatewayAndSquid() throws IOException {
    gateway = TunnelGateway.start();
    squid = SquidProxy.start(gateway.ports());
  }

  @AfterAll
  static void stopAll() {
    if (squid != null) {
      squid.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void aSentMessageReachesTheStreamedDownlinkThroughSquidAtOnceWhileTheStreamStaysOpen()
      throws Exception {
    try (ClientTransport client = gateway.clientVia(squid.address(), Map.of("mode", "stream"))) {
      Inbox bob = new Inbox();
      ClientDownlink down = openDownlink(client, "bob", "bob-phone", bob);
      ClientUplink up = openUplink(client, "alice", "alice-phone");

      warmUp(up, bob, "user:bob");
      List<Long> latenciesMs = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        latenciesMs.add(sendAndAwait(up, bob, "a-" + i, "user:bob", "hello " + i, 1 + i));
      }
      System.out.println("send -> streamed push through squid (ms): " + latenciesMs);

      assertThat(latenciesMs).as("ms from the Send to its Push on bob's stream")
          .allSatisfy(ms -> assertThat(ms).isLessThan(PROMPT_MS));
      // squid logs a request once it is over: the pushes came in a response still going on.
      assertThat(down.isOpen()).isTrue();
      assertThat(AccessLog.of(squid, e -> e.has(DOWNLINK_PATH) && e.has("bob-phone")
          && e.method().equals("GET")))
          .as("squid entries for bob's downlink GET while it is open").isEmpty();
      // squid writes an entry just after its request ends: the last POST's may lag its answer.
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(AccessLog.of(squid, e -> e.has(UPLINK_PATH) && e.has("alice-phone")))
              .as("alice's uplink POSTs went through squid")
              .hasSizeGreaterThanOrEqualTo(1 + 1 + 10)
              .allSatisfy(e -> {
                assertThat(e.method()).isEqualTo("POST");
                assertThat(e.status()).isEqualTo(200);
              }));

      down.close();
      assertThat(bob.awaitClosed(5_000)).isNull();
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(AccessLog.of(squid, e -> e.has(DOWNLINK_PATH) && e.has("bob-phone")
              && e.method().equals("GET")))
              .as("bob's stream, logged once over")
              .singleElement()
              .satisfies(e -> {
                assertThat(e.url()).contains("mode=stream");
                assertThat(e.status()).isEqualTo(200);
              }));
    }
  }

  @Test
  void aSentMessageWakesAPollHeldThroughSquidAtOnce() throws Exception {
    try (ClientTransport client = gateway.clientVia(
        squid.address(), Map.of("mode", "poll", "poll-hold-ms", "20000"))) {
      Inbox carol = new Inbox();
      ClientDownlink down = openDownlink(client, "carol", "carol-phone", carol);
      ClientUplink up = openUplink(client, "dave", "dave-phone");
      String session = down.welcome().getSessionId();

      warmUp(up, carol, "user:carol");
      List<Long> latenciesMs = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        // Give the next poll time to reach the gateway and be held there.
        await("carol's downlink quiet and open").during(Duration.ofMillis(400))
            .atMost(Duration.ofSeconds(2))
            .until(() -> carol.waiting() == 0 && !carol.isClosed());
        latenciesMs.add(sendAndAwait(up, carol, "d-" + i, "user:carol", "wake " + i, 1 + i));
      }
      System.out.println("send -> push in a held poll through squid (ms): " + latenciesMs);

      assertThat(latenciesMs).as("ms from the Send to its Push in carol's poll")
          .allSatisfy(ms -> assertThat(ms).isLessThan(PROMPT_MS));
      // Each push came in the poll that confirmed the one before; squid saw it held, then answered.
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        List<AccessLog.Entry> polls = AccessLog.of(squid, e -> e.has(DOWNLINK_PATH)
            && e.method().equals("GET")
            && e.has("session_id=" + URLEncoder.encode(session, StandardCharsets.UTF_8)));
        for (int seq = 1; seq <= 3; seq++) {
          String confirming = "resume_from_seq=" + seq + "&";
          assertThat(polls).filteredOn(e -> e.has(confirming))
              .as("the poll confirming %d, which brought push %d", seq, seq + 1)
              .singleElement()
              .satisfies(e -> {
                assertThat(e.url()).contains("mode=poll");
                assertThat(e.status()).isEqualTo(200);
                assertThat(e.elapsedMs()).as("held, then answered well before its hold ended")
                    .isBetween(300L, 10_000L);
              });
        }
      });
      down.close();
      assertThat(carol.awaitClosed(5_000)).isNull();
    }
  }

  /**
   * A proxy that forwards each piece of a response at once lets auto mode keep its stream: the
   * Welcome arrives within the stall window, and the server's pings keep arriving within it.
   */
  @Test
  void inAutoModeTheClientKeepsStreamingThroughAProxyThatPassesChunksOn() throws Exception {
    ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
    try (ClientTransport client = gateway.clientVia(squid.address(), Map.of("stall-ms", "2000"))) {
      Inbox erin = new Inbox();
      // The server pings every 300 ms; the client gives the stream up after 2 s of silence.
      ClientDownlink down = join(client.openDownlink(gateway.endpoint(Role.DOWNLINK),
          gateway.hello("erin", "erin-phone", 0, "", 300), erin));
      assertThat(down.welcome().getHeartbeatMs()).isEqualTo(300);
      // Like any client, erin pings within her heartbeat, or the server ends the downlink.
      AtomicLong nonce = new AtomicLong();
      pinger.scheduleAtFixedRate(
          () -> down.send(Frames.ping(nonce.incrementAndGet())), 0, 100, TimeUnit.MILLISECONDS);

      await("erin's downlink staying open for 3 s").during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(4))
          .until(() -> down.isOpen() && !erin.isClosed());
      long pushedAt = System.nanoTime();
      gateway.push("erin", "still streaming");
      Inbox.Arrival push = erin.nextPush(5_000);
      long latencyMs = TimeUnit.NANOSECONDS.toMillis(push.atNanos() - pushedAt);
      System.out.println("auto mode: router push -> streamed push through squid (ms): "
          + latencyMs);
      assertThat(latencyMs).isLessThan(PROMPT_MS);
      assertThat(erin.others()).as("Pongs to erin's pings, back down her stream")
          .anyMatch(Frame::hasPong);

      pinger.shutdownNow();
      down.close();
      assertThat(erin.awaitClosed(5_000)).isNull();
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(AccessLog.of(squid, e -> e.has(DOWNLINK_PATH) && e.has("erin-phone")
              && e.method().equals("GET")))
              .as("erin's downlink requests: one stream, no poll")
              .singleElement()
              .satisfies(e -> {
                assertThat(e.url()).contains("mode=stream");
                assertThat(e.elapsedMs()).as("one response all along").isGreaterThan(3_000L);
              }));
    } finally {
      pinger.shutdownNow();
    }
  }

  /**
   * squid here passes GET, POST and OPTIONS only, as strict proxies do, and the gateway does not
   * notice a stream's connection cut by squid until it next writes to it. The client ends its
   * session with a POST ({@code end=true}), so the gateway knows at once, well inside the heartbeat
   * miss window (10 s heartbeat: 25 s).
   */
  @Test
  void aStreamClosedThroughTheProxyEndsOnTheGatewayAtOnce() throws Exception {
    try (ClientTransport client = gateway.clientVia(squid.address(), Map.of("mode", "stream"))) {
      Inbox frank = new Inbox();
      ClientDownlink down = join(client.openDownlink(gateway.endpoint(Role.DOWNLINK),
          gateway.hello("frank", "frank-phone", 0, "", 10_000), frank));
      assertThat(gateway.isOnline("frank")).isTrue();

      long closedAt = System.nanoTime();
      down.close();
      await("frank offline").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
          .until(() -> !gateway.isOnline("frank"));
      long offlineAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt);
      System.out.println("closed stream (heartbeat 10 s) offline on the gateway after (ms): "
          + offlineAfterMs);
      assertThat(offlineAfterMs).as("the session's end went through the proxy").isLessThan(2_000);
      await("squid logged the end").atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(squid.accessLog().lines())
              .as("squid's log")
              .anySatisfy(line -> assertThat(line).contains("POST").contains("end=true").doesNotContain("DENIED")));
    }
  }

  /**
   * One message through, unmeasured: a new gateway's first Send takes a few hundred ms (its caches
   * and code paths warming up), whatever the proxy does.
   */
  private static void warmUp(ClientUplink up, Inbox receiver, String to) throws Exception {
    sendAndAwait(up, receiver, "warm-up", to, "warm up", 1);
  }

  /**
   * Sends {@code text} over {@code up}, checks that it reaches {@code receiver} as push {@code
   * seq}, and returns the milliseconds from the Send to the push.
   */
  private static long sendAndAwait(
      ClientUplink up, Inbox receiver, String clientMsgId, String to, String text, long seq)
      throws Exception {
    long sentAt = System.nanoTime();
    Frame ack = join(up.call(send(clientMsgId, to, text)));
    assertThat(ack.getSendAck().getClientMsgId()).as("the answer to %s", clientMsgId)
        .isEqualTo(clientMsgId);
    Inbox.Arrival push = receiver.nextPush(5_000);
    assertThat(push.text()).isEqualTo(text);
    assertThat(push.push().getSeq()).isEqualTo(seq);
    return TimeUnit.NANOSECONDS.toMillis(push.atNanos() - sentAt);
  }

  private static ClientDownlink openDownlink(
      ClientTransport client, String user, String device, Inbox inbox) {
    ClientDownlink down = join(
        client.openDownlink(gateway.endpoint(Role.DOWNLINK), gateway.hello(user, device), inbox));
    assertThat(down.welcome().getUserId()).isEqualTo(user);
    return down;
  }

  private static ClientUplink openUplink(ClientTransport client, String user, String device) {
    ClientUplink up =
        join(client.openUplink(gateway.endpoint(Role.UPLINK), gateway.hello(user, device)));
    assertThat(up.welcome().getUserId()).isEqualTo(user);
    return up;
  }
}

package io.linkgate.transport.tunnel.proxy;

import io.linkgate.testing.SquidProxy;
import io.linkgate.testing.AccessLog;
import static io.linkgate.transport.tunnel.proxy.TunnelGateway.join;
import static io.linkgate.transport.tunnel.proxy.TunnelGateway.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Role;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proxy dies under open downlinks (squid killed, its connections with it) and comes back at
 * the same address, as a restarted or failed-over proxy does: every push reaches the receiver
 * exactly once and in order, those sent while the proxy was gone included.
 */
class ForcedReconnectThroughSquidTest {
  private static TunnelGateway gateway;

  @BeforeAll
  static void startGateway() throws IOException {
    gateway = TunnelGateway.start();
  }

  @AfterAll
  static void stopGateway() {
    if (gateway != null) {
      gateway.close();
    }
  }

  /**
   * The downlink breaks with the proxy; the application reopens it with {@code resume_from_seq}
   * = the last seq it saw once the proxy is back. A polled downlink gives up only after its
   * session's expiry window (the 1 s hold plus the 200 ms heartbeat's miss window here).
   */
  @ParameterizedTest(name = "mode={0}")
  @ValueSource(strings = {"stream", "poll"})
  void aDownlinkCutWithTheProxyResumesThroughTheRestartedProxyWithEveryPushOnce(String mode)
      throws Exception {
    String user = "reader-" + mode;
    String device = user + "-phone";
    int heartbeatMs = mode.equals("poll") ? 200 : 0; // a stream would need pings at 200 ms
    SquidProxy proxy = SquidProxy.start(gateway.ports());
    int proxyPort = proxy.port();
    try (ClientTransport client = gateway.clientVia(
        proxy.address(), Map.of("mode", mode, "poll-hold-ms", "1000"))) {
      Inbox before = new Inbox();
      ClientDownlink down = join(client.openDownlink(gateway.endpoint(Role.DOWNLINK),
          gateway.hello(user, device, 0, "", heartbeatMs), before));
      ClientUplink up = join(client.openUplink(
          gateway.endpoint(Role.UPLINK), gateway.hello("writer-" + mode, "writer-phone")));
      for (int i = 1; i <= 3; i++) {
        assertThat(join(up.call(send(mode + "-" + i, "user:" + user, "m" + i))).hasSendAck())
            .isTrue();
      }
      List<Inbox.Arrival> received = new ArrayList<>(before.nextPushes(3));
      long lastSeq = received.get(received.size() - 1).push().getSeq();

      proxy.close(); // the proxy goes away with every connection through it
      assertThat(before.awaitClosed(10_000)).as("the downlink's end, with a cause")
          .isInstanceOf(IOException.class);
      for (int i = 4; i <= 6; i++) {
        gateway.push(user, "m" + i); // while the client has no way in
      }
      received.addAll(before.drain());
      assertThat(received).as("nothing after the end").hasSize(3);

      proxy = SquidProxy.builder().allowPorts(gateway.ports()).port(proxyPort).start();
      Inbox after = new Inbox();
      ClientDownlink again = join(client.openDownlink(gateway.endpoint(Role.DOWNLINK),
          gateway.hello(user, device, lastSeq, down.welcome().getEpoch(), heartbeatMs), after));
      assertThat(again.welcome().getResumed()).as("resumed").isTrue();
      for (int i = 7; i <= 9; i++) {
        assertThat(join(up.call(send(mode + "-" + i, "user:" + user, "m" + i))).hasSendAck())
            .as("the same uplink, through the restarted proxy").isTrue();
      }
      received.addAll(after.nextPushes(6));
      // A push delivered twice would come right behind the others.
      await("no push again").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1))
          .until(() -> after.waiting() == 0);

      assertThat(received).extracting(Inbox.Arrival::text)
          .containsExactly("m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
      assertThat(received).extracting(a -> a.push().getSeq())
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 9).boxed().toList());
      again.close();
      assertThat(after.awaitClosed(5_000)).isNull();
      // squid logs a request once it is over, a stream once it is closed.
      String resumedFrom = "resume_from_seq=" + lastSeq;
      SquidProxy restarted = proxy;
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(AccessLog.of(restarted, e -> e.has(device) && e.has(resumedFrom)))
              .as("the resuming open went through the restarted proxy").isNotEmpty());
    } finally {
      proxy.close();
    }
  }

  /**
   * A polled downlink outlives a proxy that hangs and dies by itself: its failed polls are retried
   * until the proxy is back, well inside the session's expiry. The push the gateway answered the
   * held poll with while the proxy hung died with the proxy; the next poll, confirming only what
   * arrived, gets it again.
   */
  @Test
  void aPolledDownlinkRidesOutAProxyThatHangsAndDiesWithAResponseInIt() throws Exception {
    SquidProxy proxy = SquidProxy.start(gateway.ports());
    int proxyPort = proxy.port();
    try (ClientTransport client = gateway.clientVia(proxy.address(), Map.of("mode", "poll"))) {
      Inbox inbox = new Inbox();
      ClientDownlink down = join(client.openDownlink(
          gateway.endpoint(Role.DOWNLINK), gateway.hello("patient", "patient-phone"), inbox));
      gateway.push("patient", "m1");
      gateway.push("patient", "m2");
      List<Inbox.Arrival> received = new ArrayList<>(inbox.nextPushes(2));
      // The next poll is held at the gateway, through the proxy.
      await("patient's downlink quiet").during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(1)).until(() -> inbox.waiting() == 0);

      proxy.freeze();
      gateway.push("patient", "m3"); // answers the held poll: into the hung proxy's socket
      SquidProxy hung = proxy;
      int downlinkPort = gateway.port(Role.DOWNLINK);
      await("the answer with m3 stuck in the proxy").atMost(Duration.ofSeconds(5))
          .until(() -> hung.unreadBytesFrom(downlinkPort) > 0);
      proxy.close(); // and dies with it
      gateway.push("patient", "m4");
      proxy = SquidProxy.builder().allowPorts(gateway.ports()).port(proxyPort).start();
      received.addAll(inbox.nextPushes(2));
      gateway.push("patient", "m5");
      received.addAll(inbox.nextPushes(1));
      await("no push again").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1))
          .until(() -> inbox.waiting() == 0);

      assertThat(inbox.isClosed()).as("the downlink never closed").isFalse();
      assertThat(down.isOpen()).isTrue();
      assertThat(received).extracting(Inbox.Arrival::text)
          .containsExactly("m1", "m2", "m3", "m4", "m5");
      assertThat(received).extracting(a -> a.push().getSeq())
          .containsExactly(1L, 2L, 3L, 4L, 5L);
      String session = URLEncoder.encode(down.welcome().getSessionId(), StandardCharsets.UTF_8);
      assertThat(AccessLog.of(proxy, e -> e.has("patient-phone") && e.method().equals("GET")))
          .as("polls through the restarted proxy: the same session, confirming m2 first")
          .isNotEmpty()
          .allSatisfy(e -> assertThat(e.url()).contains("session_id=" + session))
          .first()
          .satisfies(e -> assertThat(e.url()).contains("resume_from_seq=2&"));
      down.close();
    } finally {
      proxy.close();
    }
  }
}

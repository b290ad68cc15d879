package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.client.LinkgateClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code limits.sessions-per-address} on a real node: refused past the bound, given back on close. */
class AddressLimitsTest {
  private static LinkgateClient client(LinkgateServer node, String transport, String user) {
    return LinkgateClient.builder()
        .downlinkEndpoints(node.endpoints().stream().filter(e -> e.getRole() == Role.DOWNLINK && e.getTransport().equals(transport)).toList())
        .uplinkEndpoints(node.endpoints().stream().filter(e -> e.getRole() == Role.UPLINK && e.getTransport().equals(transport)).toList())
        .token(TestNodes.token(user)).deviceId(user + "-phone")
        .pushListener(new LinkedBlockingQueue<Push>()::offer).build();
  }

  @Test
  void anAddressPastItsSessionsIsRefusedAndEveryClosedSessionGivesItsSlotBack() throws Exception {
    LinkgateConfig config =
        LinkgateConfig.parse(
            """
            node-id: limits
            bind-host: 127.0.0.1
            ops: {enabled: false}
            auth: {secret: %s}
            limits: {sessions-per-address: 3}
            transports:
              downlink: [{transport: tcp, ports: [0]}, {transport: http-tunnel, ports: [0]}]
              uplink: [{transport: tcp, ports: [0]}, {transport: http-tunnel, ports: [0]}]
            """.formatted(TestNodes.SECRET));
    try (LinkgateServer node = LinkgateServer.start(config)) {
      // The tunnel opens an uplink session per POST: forty of them in a row must not use up three slots.
      try (LinkgateClient poster = client(node, "http-tunnel", "poster")) {
        for (int i = 0; i < 40; i++) {
          poster.send("user:poster", ("m" + i).getBytes(StandardCharsets.UTF_8)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
      }
      java.util.List<String> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();
      try (LinkgateClient a = client(node, "tcp", "a");
          LinkgateClient b = client(node, "tcp", "b");
          LinkgateClient c = LinkgateClient.builder()
              .downlinkEndpoints(List.of(TestNodes.endpoint(node, Role.DOWNLINK)))
              .uplinkEndpoints(List.of(TestNodes.endpoint(node, Role.UPLINK)))
              .token(TestNodes.token("c")).deviceId("c-phone")
              .backoff(new io.linkgate.client.Backoff(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(1), 2.0, 0.5, java.time.Duration.ofSeconds(60)))
              .stateListener((state, reason) -> reasons.add(String.valueOf(reason)))
              .pushListener(p -> {}).build()) {
        a.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        b.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        a.send("user:a", "x".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().get(10, TimeUnit.SECONDS); // a's uplink: 3 of 3
        java.util.concurrent.CompletableFuture<?> cIn = c.connect().toCompletableFuture();
        Thread.sleep(1500);
        assertThat(cIn).as("held back while the address holds its 3 sessions").isNotDone();
        assertThat(reasons).anyMatch(r -> r.contains("RATE_LIMITED") || r.contains("sessions from your address"));
        assertThat(node.router().isOnline("c").toCompletableFuture().get()).isFalse();

        b.close(); // a slot comes back: c's next try gets in
        cIn.get(10, TimeUnit.SECONDS);
        assertThat(node.router().isOnline("c").toCompletableFuture().get()).isTrue();
      }
    }
  }
}

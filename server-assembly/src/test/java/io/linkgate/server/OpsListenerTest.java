package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.client.LinkgateClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The ops listener of a real node: metrics, health and readiness, and the admin API over HTTP. */
class OpsListenerTest {
  private static final String ADMIN_TOKEN = "ops-test-admin-token-0123456789";
  private final HttpClient http = HttpClient.newHttpClient();

  private static LinkgateConfig withAdmin() {
    return TestNodes.loopback().withOps(OpsConfig.defaults().withPort(0).withAdminToken(ADMIN_TOKEN));
  }

  private HttpResponse<String> get(LinkgateServer node, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(node, path)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(LinkgateServer node, String path, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(node, path))
            .header("Authorization", "Bearer " + ADMIN_TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(LinkgateServer node, String path) {
    InetSocketAddress a = node.opsAddress().orElseThrow();
    return URI.create("http://127.0.0.1:" + a.getPort() + path);
  }

  @Test
  void healthAndMetricsDescribeTheNodeInPrometheusFormat() throws Exception {
    try (LinkgateServer node = LinkgateServer.start(withAdmin())) {
      assertThat(get(node, "/health/live", null).statusCode()).isEqualTo(200);
      HttpResponse<String> ready = get(node, "/health/ready", null);
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("\"ready\":true");

      BlockingQueue<Push> toBob = new LinkedBlockingQueue<>();
      try (LinkgateClient bob = TestNodes.client(node, "bob", toBob);
          LinkgateClient alice = TestNodes.client(node, "alice", new LinkedBlockingQueue<>())) {
        bob.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        alice.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        alice.send("user:bob", "hi".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(toBob.poll(10, TimeUnit.SECONDS)).isNotNull();
        LinkgateClient intruder =
            LinkgateClient.builder()
                .downlinkEndpoints(java.util.List.of(TestNodes.endpoint(node, Role.DOWNLINK)))
                .uplinkEndpoints(java.util.List.of(TestNodes.endpoint(node, Role.UPLINK)))
                .token("not-a-token")
                .deviceId("x")
                .pushListener(push -> {})
                .build();
        intruder.connect();
        await().atMost(Duration.ofSeconds(5)).until(() ->
            get(node, "/metrics", null).body()
                .contains("linkgate_handshakes_refused_total{reason=\"unauthenticated\",role=\"downlink\"} 1.0"));
        intruder.close();

        String metrics = get(node, "/metrics", null).body();
        assertThat(metrics)
            .contains("linkgate_downlinks_open 2.0")
            .contains("linkgate_connections_open{role=\"downlink\",transport=\"tcp\"} 2.0")
            .contains("linkgate_connections_opened_total{role=\"uplink\",transport=\"tcp\"}")
            .contains("linkgate_sends_accepted_total 1.0")
            .contains("linkgate_pushes_stored_total 2.0") // bob's, and alice's own copy
            .contains("linkgate_send_latency_seconds_bucket")
            .contains("linkgate_store_available 1.0")
            .contains("linkgate_room_members 0.0")
            .contains("linkgate_dedup_window_answers 1.0")
            .contains("linkgate_dedup_window_reach_seconds 600.0") // not full: the dedup ttl
            .contains("linkgate_dedup_window_early_drops_total 0.0")
            .contains("linkgate_dedup_window_short_drops_total 0.0")
            .contains("jvm_memory_used_bytes")
            .contains("process_uptime_seconds")
            .doesNotContain("bob")
            .doesNotContain("alice");
      }
    }
  }

  @Test
  void theAdminApiRefusesRequestsWithoutItsTokenAndIsOffWithoutOne() throws Exception {
    try (LinkgateServer node = LinkgateServer.start(withAdmin())) {
      HttpResponse<String> none = get(node, "/admin/v1/node", null);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.body()).contains("\"code\":\"UNAUTHENTICATED\"");
      assertThat(get(node, "/admin/v1/node", "a-client-token-is-not-it").statusCode()).isEqualTo(401);
    }
    try (LinkgateServer node = LinkgateServer.start(TestNodes.loopback())) {
      HttpResponse<String> off = get(node, "/admin/v1/node", ADMIN_TOKEN);
      assertThat(off.statusCode()).isEqualTo(403);
      assertThat(off.body()).contains("ops.admin-token");
    }
  }

  @Test
  void anOperatorSeesAUsersDevicesPushesToThemKicksThemAndDrainsTheNode() throws Exception {
    try (LinkgateServer node = LinkgateServer.start(withAdmin())) {
      BlockingQueue<Push> toBob = new LinkedBlockingQueue<>();
      try (LinkgateClient bob = TestNodes.client(node, "bob", toBob)) {
        bob.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        HttpResponse<String> info = get(node, "/admin/v1/node", ADMIN_TOKEN);
        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(info.body()).contains("\"id\":\"test-node\"").contains("\"downlinks\":1").contains("\"store\":\"memory");

        HttpResponse<String> devices = get(node, "/admin/v1/users/bob", ADMIN_TOKEN);
        assertThat(devices.body()).contains("\"online\":true").contains("\"device\":\"bob-device\"").contains("\"node\":\"test-node\"")
            .contains("\"transport\":\"tcp\"").contains("\"connected_since\":\"20");

        HttpResponse<String> pushed = post(node, "/admin/v1/users/bob/push", "{\"text\":\"maintenance at 10\"}");
        assertThat(pushed.statusCode()).isEqualTo(200);
        assertThat(pushed.body()).contains("\"seq\":1");
        Push p = toBob.poll(10, TimeUnit.SECONDS);
        assertThat(p.getPayload().toStringUtf8()).isEqualTo("maintenance at 10");
        assertThat(p.getFrom()).isEqualTo("admin");

        assertThat(post(node, "/admin/v1/users/bob/push", "{\"text\":\"a\",\"payload_base64\":\"YQ==\"}").statusCode()).isEqualTo(400);
        assertThat(post(node, "/admin/v1/users/bob/push", "not json").statusCode()).isEqualTo(400);

        HttpResponse<String> kicked = post(node, "/admin/v1/users/bob/kick", "{\"reason\":\"account review\"}");
        assertThat(kicked.body()).contains("\"kicked\":1");

        HttpResponse<String> rooms = get(node, "/admin/v1/rooms?offset=0&limit=10", ADMIN_TOKEN);
        assertThat(rooms.statusCode()).isEqualTo(200);
        assertThat(rooms.body()).contains("\"rooms\":[]");
        assertThat(get(node, "/admin/v1/rooms?limit=-1", ADMIN_TOKEN).statusCode()).isEqualTo(400);

        assertThat(post(node, "/admin/v1/drain", "").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get(node, "/health/ready", null);
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("\"reason\":\"draining\"");
        assertThat(node.isReady()).isFalse();
        assertThat(get(node, "/admin/v1/nothing", ADMIN_TOKEN).statusCode()).isEqualTo(404);
      }
    }
  }
}

package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.SendAck;
import io.linkgate.client.LinkgateClient;
import io.linkgate.router.DeviceSession;
import io.linkgate.testing.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Nodes started from configuration with {@code store: {type: redis}}, on one real redis-server. */
class ClusterModeTest {
  private RedisServerProcess redis;

  @BeforeEach
  void startRedis() {
    redis = RedisServerProcess.start();
  }

  @AfterEach
  void stopRedis() {
    redis.close();
  }

  private LinkgateConfig node(String id) {
    return TestNodes.loopback().withNodeId(id).withStore(new StoreConfig("redis", redis.uri(), null, null, null, null));
  }

  @Test
  void usersOnDifferentNodesTalkAndEachNodeSeesWhoIsWhere() throws Exception {
    try (LinkgateServer a = LinkgateServer.start(node("node-a"));
        LinkgateServer b = LinkgateServer.start(node("node-b"))) {
      BlockingQueue<Push> toAlice = new LinkedBlockingQueue<>();
      BlockingQueue<Push> toBob = new LinkedBlockingQueue<>();
      try (LinkgateClient alice = TestNodes.client(a, "alice", toAlice);
          LinkgateClient bob = TestNodes.client(b, "bob", toBob)) {
        alice.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        bob.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);

        SendAck ack = alice.send("user:bob", "hi from a".getBytes(StandardCharsets.UTF_8))
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        Push atBob = toBob.poll(10, TimeUnit.SECONDS);
        assertThat(atBob).isNotNull();
        assertThat(atBob.getFrom()).isEqualTo("alice");
        assertThat(atBob.getMsgId()).isEqualTo(ack.getMsgId());
        assertThat(atBob.getPayload().toStringUtf8()).isEqualTo("hi from a");

        bob.send("user:alice", "hi from b".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        // alice first gets her own copy of what she sent, then bob's answer
        assertThat(toAlice.poll(10, TimeUnit.SECONDS).getFrom()).isEqualTo("alice");
        assertThat(toAlice.poll(10, TimeUnit.SECONDS).getPayload().toStringUtf8()).isEqualTo("hi from b");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(a.router().sessionsOf("bob").toCompletableFuture().get())
                .extracting(DeviceSession::nodeId).containsExactly("node-b"));
        assertThat(a.isReady()).isTrue();
      }
    }
  }

  @Test
  void aNodeWhoseRedisGoesAwayIsNotReadyAndRecoversWithoutARestart() throws Exception {
    try (LinkgateServer a = LinkgateServer.start(node("node-a"))) {
      assertThat(a.isReady()).isTrue();
      redis.kill();
      await().atMost(Duration.ofSeconds(10)).until(() -> !a.isReady());
      java.net.http.HttpResponse<String> ready =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://127.0.0.1:" + a.opsAddress().orElseThrow().getPort() + "/health/ready"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("\"reason\":\"store unreachable\"");
      redis.restart();
      await().atMost(Duration.ofSeconds(15)).until(a::isReady);
      BlockingQueue<Push> toBob = new LinkedBlockingQueue<>();
      try (LinkgateClient bob = TestNodes.client(a, "bob", toBob)) {
        bob.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        a.router().push("bob", io.linkgate.router.Message.of("ops", "", new byte[] {1})).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(toBob.poll(10, TimeUnit.SECONDS)).isNotNull();
      }
    }
  }

  @Test
  void aNodeThatCannotReachRedisAtStartFailsWithTheReason() {
    redis.kill();
    assertThatThrownBy(() -> LinkgateServer.start(node("node-a")))
        .hasStackTraceContaining("127.0.0.1:" + redis.port());
  }

  @Test
  void aNodeOnRedisShowsItsRedisCommandLatencyAndErrorsOnMetrics() throws Exception {
    try (LinkgateServer a = LinkgateServer.start(node("node-m"))) {
      a.router().push("bob", io.linkgate.router.Message.of("svc", "", "x".getBytes(StandardCharsets.UTF_8)))
          .toCompletableFuture().get(5, TimeUnit.SECONDS);
      var ops = a.opsAddress().orElseThrow();
      String metrics = java.net.http.HttpClient.newHttpClient()
          .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + ops.getPort() + "/metrics")).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString())
          .body();
      assertThat(metrics).contains("lettuce_command_completion_seconds").contains("linkgate_redis_command_errors_total");
    }
  }
}

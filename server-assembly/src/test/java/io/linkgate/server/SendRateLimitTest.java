package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Push;
import io.linkgate.client.LinkgateClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code limits.sends-per-second} on a real node, through the client. */
class SendRateLimitTest {
  @Test
  void aUserSendingPastTheConfiguredRateIsRefusedWithRateLimitedAndTheRestArrive() throws Exception {
    LinkgateConfig config = TestNodes.loopback().withLimits(LimitsConfig.defaults().withSendRate(10.0, 10));
    try (LinkgateServer node = LinkgateServer.start(config)) {
      LinkedBlockingQueue<Push> toBob = new LinkedBlockingQueue<>();
      try (LinkgateClient bob = TestNodes.client(node, "bob", toBob);
          LinkgateClient alice = LinkgateClient.builder()
              .downlinkEndpoints(List.of(TestNodes.endpoint(node, io.linkgate.api.proto.Role.DOWNLINK)))
              .uplinkEndpoints(List.of(TestNodes.endpoint(node, io.linkgate.api.proto.Role.UPLINK)))
              .token(TestNodes.token("alice")).deviceId("alice-phone")
              .sendRetries(1, Duration.ofSeconds(5)) // the first answer is final: no retry hides a refusal
              .pushListener(p -> {}).build()) {
        bob.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        alice.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
          sends.add(alice.send("user:bob", ("m" + i).getBytes(StandardCharsets.UTF_8)).toCompletableFuture());
        }
        int acked = 0;
        int limited = 0;
        for (CompletableFuture<?> s : sends) {
          try {
            s.get(10, TimeUnit.SECONDS);
            acked++;
          } catch (ExecutionException e) {
            assertThat(GatewayException.from(e.getCause()).code()).isEqualTo(ErrorCode.RATE_LIMITED);
            limited++;
          }
        }
        assertThat(acked).as("the burst, and what the rate refilled meanwhile").isBetween(10, 20);
        assertThat(limited).isEqualTo(30 - acked);
        Thread.sleep(300);
        assertThat(toBob).as("exactly the acknowledged sends were delivered").hasSize(acked);
      }
    }
  }

  /** On every transport: the refusal reaches the SDK with its hint however the transport maps it. */
  @ParameterizedTest
  @ValueSource(strings = {"tcp", "http-tunnel", "grpc"})
  void aClientWithRetriesWaitsOutTheHintAndEverySendArrivesOnce(String transport) throws Exception {
    LinkgateConfig config =
        TestNodes.loopback(transport).withLimits(LimitsConfig.defaults().withSendRate(20.0, 5));
    try (LinkgateServer node = LinkgateServer.start(config)) {
      LinkedBlockingQueue<Push> toBob = new LinkedBlockingQueue<>();
      try (LinkgateClient bob = TestNodes.client(node, "bob", toBob);
          LinkgateClient alice = TestNodes.client(node, "alice", new LinkedBlockingQueue<>())) {
        bob.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        alice.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
        long start = System.nanoTime();
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
          sends.add(alice.send("user:bob", ("m" + i).getBytes(StandardCharsets.UTF_8)).toCompletableFuture());
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(ms).as("5 at once, then 20 at 20/s").isGreaterThanOrEqualTo(800);
        Thread.sleep(300);
        assertThat(toBob).extracting(p -> p.getPayload().toStringUtf8()).hasSize(25).doesNotHaveDuplicates();
      }
    }
  }
}

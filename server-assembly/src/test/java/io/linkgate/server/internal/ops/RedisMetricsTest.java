package io.linkgate.server.internal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.router.Hs256Authenticator;
import io.linkgate.router.Message;
import io.linkgate.router.Router;
import io.linkgate.router.store.RedisRouterStore;
import io.linkgate.router.store.RouterStore;
import io.linkgate.testing.RedisServerProcess;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A real redis-server: the store's commands are timed, and failures counted, in the registry. */
class RedisMetricsTest {
  @Test
  void commandsAreTimedByTypeAndFailuresCounted() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (RedisServerProcess redis = RedisServerProcess.start();
        RouterStore store =
            RedisMetrics.measured(
                    RedisRouterStore.builder(redis.uri()),
                    registry)
                .connect();
        Router router =
            Router.builder()
                .nodeId("n1")
                .authenticator(new Hs256Authenticator(new byte[32]))
                .store(store)
                .build()) {
      router.push("bob", Message.of("ops", "", new byte[1])).toCompletableFuture().join();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  registry.find("lettuce.command.completion").timers().stream()
                          .mapToLong(Timer::count)
                          .sum()
                      > 0);
      assertThat(registry.get("linkgate.redis.command.errors").counter().count()).isZero();

      redis.kill();
      router.push("bob", Message.of("ops", "", new byte[1])).exceptionally(e -> null);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> registry.get("linkgate.redis.command.errors").counter().count() > 0);
    }
  }
}

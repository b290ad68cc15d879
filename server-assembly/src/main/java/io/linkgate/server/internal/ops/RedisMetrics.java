package io.linkgate.server.internal.ops;

import io.lettuce.core.event.command.CommandFailedEvent;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.linkgate.router.store.RedisRouterStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Redis command latency and errors for a node on the Redis store: Lettuce's own Micrometer
 * recorder ({@code lettuce_command_completion_seconds} and {@code _firstresponse_}, by command
 * type) and {@code linkgate_redis_command_errors_total}. The router stays free of Micrometer: it
 * only takes Lettuce's hooks.
 */
public final class RedisMetrics {
  private RedisMetrics() {}

  /** {@code builder}, recording into {@code registry}; call before {@code connect()}. */
  public static RedisRouterStore.Builder measured(
      RedisRouterStore.Builder builder, MeterRegistry registry) {
    Counter errors =
        Counter.builder("linkgate.redis.command.errors")
            .description("Redis commands that failed (an error reply, a timeout, a lost connection)")
            .register(registry);
    return builder
        .commandLatencyRecorder(
            new MicrometerCommandLatencyRecorder(
                registry, MicrometerOptions.builder().histogram(true).build()))
        .commandListener(
            new CommandListener() {
              @Override
              public void commandFailed(CommandFailedEvent event) {
                errors.increment();
              }
            });
  }
}

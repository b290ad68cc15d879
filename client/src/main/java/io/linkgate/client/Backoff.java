package io.linkgate.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How long to wait before the next connection attempt: exponential growth from {@code initial} up
 * to {@code max}, each delay shortened by a random share of up to {@code jitter} so that clients
 * dropped together do not return together.
 *
 * @param initial the delay after the first failure
 * @param max the longest delay
 * @param multiplier growth per consecutive failure, at least 1
 * @param jitter the share of each delay that is random, 0 to 1
 * @param resetAfter a connection that stayed up this long resets the failure count
 */
public record Backoff(
    Duration initial, Duration max, double multiplier, double jitter, Duration resetAfter) {

  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    Objects.requireNonNull(resetAfter, "resetAfter");
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < initial <= max, got " + initial + " and " + max);
    }
    if (!(multiplier >= 1.0) || !(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException(
          "backoff needs multiplier >= 1 and 0 <= jitter <= 1, got " + multiplier + " and " + jitter);
    }
    if (resetAfter.isNegative()) {
      throw new IllegalArgumentException("resetAfter must not be negative");
    }
  }

  /** 250 ms doubling up to 30 s, half of each delay random, reset after 30 s connected. */
  public static Backoff defaults() {
    return new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30), 2.0, 0.5, Duration.ofSeconds(30));
  }

  /** The defaults with other bounds. */
  public static Backoff of(Duration initial, Duration max) {
    Backoff d = defaults();
    return new Backoff(initial, max, d.multiplier(), d.jitter(), d.resetAfter());
  }

  /**
   * The delay after {@code failures} consecutive failures.
   *
   * @param failures at least 1
   * @param random a number in [0, 1)
   */
  public Duration delay(int failures, double random) {
    double base = initial.toNanos() * Math.pow(multiplier, Math.max(0, failures - 1));
    double capped = Math.min(base, max.toNanos());
    return Duration.ofNanos((long) (capped * (1.0 - jitter * random)));
  }
}

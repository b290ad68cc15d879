package io.linkgate.server.internal.dispatch;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How often one user may report connection outcomes: a token bucket per user ({@value #BURST} at
 * once, then one every {@value #REFILL_MS} ms), kept for at most {@value #MAX_USERS} users. One
 * client cannot sink an endpoint for everyone by reporting in a loop.
 */
final class ReportLimiter {
  static final int BURST = 5;
  static final long REFILL_MS = 10_000;
  static final long MAX_USERS = 100_000;

  private final Cache<String, Bucket> buckets =
      Caffeine.newBuilder().maximumSize(MAX_USERS).expireAfterAccess(Duration.ofMillis(BURST * REFILL_MS)).build();
  private final LongSupplier clock;

  ReportLimiter(LongSupplier clockMillis) {
    this.clock = clockMillis;
  }

  /** Takes a token for {@code user}; false when it has none left. */
  boolean tryAcquire(String user) {
    return buckets.get(user, u -> new Bucket(clock.getAsLong())).take(clock.getAsLong());
  }

  /** Milliseconds until {@code user} may report again (for Retry-After). */
  long retryAfterMs() {
    return REFILL_MS;
  }

  private static final class Bucket {
    private double tokens = BURST;
    private long at;

    Bucket(long now) {
      this.at = now;
    }

    synchronized boolean take(long now) {
      tokens = Math.min(BURST, tokens + (now - at) / (double) REFILL_MS);
      at = now;
      if (tokens < 1) {
        return false;
      }
      tokens--;
      return true;
    }
  }
}

package io.linkgate.router.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Sends per second for each user on this node: a token bucket per user ({@code burst} at once,
 * refilled at {@code perSecond}). One client in a loop cannot take the node's send capacity from
 * everyone else. A bucket idle long enough to be full again is forgotten, so memory follows the
 * users sending now, bounded at {@value #MAX_USERS}.
 */
final class SendRateLimiter {
  static final long MAX_USERS = 200_000;

  private final double perNano;
  private final int burst;
  private final LongSupplier nanoClock;
  private final Cache<String, Bucket> buckets;

  SendRateLimiter(double perSecond, int burst, LongSupplier nanoClock) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("a send rate needs perSecond > 0 and burst >= 1");
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.nanoClock = nanoClock;
    long refillMs = (long) Math.ceil(burst * 1000 / perSecond);
    this.buckets =
        Caffeine.newBuilder().maximumSize(MAX_USERS).expireAfterAccess(Duration.ofMillis(refillMs + 1000)).build();
  }

  /** Takes a token for {@code user}: 0 if the send may go now, else milliseconds until it may. */
  long acquire(String user) {
    long now = nanoClock.getAsLong();
    return buckets.get(user, u -> new Bucket(burst, now)).take(now, perNano, burst);
  }

  private static final class Bucket {
    private double tokens;
    private long at;

    Bucket(int burst, long now) {
      this.tokens = burst;
      this.at = now;
    }

    synchronized long take(long now, double perNano, int burst) {
      tokens = Math.min(burst, tokens + (now - at) * perNano);
      at = now;
      if (tokens >= 1) {
        tokens--;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1_000_000));
    }
  }
}

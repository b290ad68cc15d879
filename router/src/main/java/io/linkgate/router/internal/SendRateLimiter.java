package io.linkgate.router.internal;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Sends per second for each user on this node: a token bucket per user ({@code burst} at once,
 * refilled at {@code perSecond}). One client in a loop cannot take the node's send capacity from
 * everyone else. A bucket idle long enough to be full again is forgotten, so memory follows the
 * users sending now, bounded at about {@value #MAX_USERS}.
 *
 * <p>A plain map, swept when it has doubled since the last sweep, not a cache with expiry: every
 * send takes a token, and a cache that records each read for its expiry spent more on that than
 * the bucket itself costs. A sweep drops the buckets that are full again (a new bucket is the
 * same), and past {@value #MAX_USERS} a slice of the others too (those users get a full bucket
 * early, which is the cost of the bound). A send that takes its token from a bucket just as a
 * sweep drops it (its user idle until then) is not counted in the bucket made next: the sends in
 * flight at that moment go free, once.
 */
final class SendRateLimiter {
  static final int MAX_USERS = 200_000;
  /** Below this many buckets there is no sweep. */
  static final int MIN_SWEEP_SIZE = 1024;

  private final double perNano;
  private final int burst;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final AtomicBoolean sweeping = new AtomicBoolean();
  private volatile int sweepAt = MIN_SWEEP_SIZE;

  SendRateLimiter(double perSecond, int burst, LongSupplier nanoClock) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("a send rate needs perSecond > 0 and burst >= 1");
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.nanoClock = nanoClock;
  }

  /** Takes a token for {@code user}: 0 if the send may go now, else milliseconds until it may. */
  long acquire(String user) {
    long now = nanoClock.getAsLong();
    Bucket b = buckets.get(user);
    if (b == null) {
      Bucket made = new Bucket(burst, now);
      b = buckets.putIfAbsent(user, made);
      if (b == null) {
        b = made;
        if (buckets.size() >= sweepAt) {
          sweep(now);
        }
      }
    }
    return b.take(now, perNano, burst);
  }

  /** Buckets held now (for tests of the bound). */
  int size() {
    return buckets.size();
  }

  /**
   * Drops the buckets that are full again; if that leaves {@link #MAX_USERS} or more, drops others
   * in the map's order until a sixteenth of the bound is free. One sweep at a time.
   */
  private void sweep(long now) {
    if (!sweeping.compareAndSet(false, true)) {
      return;
    }
    try {
      buckets.values().removeIf(b -> b.fullAt(now, perNano, burst));
      Iterator<Bucket> rest = buckets.values().iterator();
      while (buckets.size() >= MAX_USERS - MAX_USERS / 16 && rest.hasNext()) {
        rest.next();
        rest.remove();
      }
      int left = buckets.size();
      sweepAt = Math.max(MIN_SWEEP_SIZE, Math.min(MAX_USERS, 2 * left));
    } finally {
      sweeping.set(false);
    }
  }

  private static final class Bucket {
    private double tokens;
    private long at;

    Bucket(int burst, long now) {
      this.tokens = burst;
      this.at = now;
    }

    synchronized long take(long now, double perNano, int burst) {
      refill(now, perNano, burst);
      if (tokens >= 1) {
        tokens--;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1_000_000));
    }

    /** True if the bucket is full by {@code now}: a new one would be the same. */
    synchronized boolean fullAt(long now, double perNano, int burst) {
      refill(now, perNano, burst);
      return tokens >= burst;
    }

    /** Tops up for the time since the last top-up; a clock read before a later one adds nothing. */
    private void refill(long now, double perNano, int burst) {
      long elapsed = now - at;
      if (elapsed > 0) {
        tokens = Math.min(burst, tokens + elapsed * perNano);
        at = now;
      }
    }
  }
}

package io.linkgate.bench.internal;

import java.util.concurrent.locks.LockSupport;

/** The pushing loops run inside the server process, the same for Linkgate and the baseline. */
public final class Pusher {
  private Pusher() {}

  /** What one loop did, in the machine-wide nanoTime clock. */
  public record Result(long startNanos, long endNanos, long sent, long maxLagNanos) {}

  /**
   * As fast as the target takes them: {@code rounds} times, every user gets {@code burst}
   * messages (one push each when {@code burst} is 1, one burst otherwise).
   */
  public static Result broadcast(PushTarget target, int users, int rounds, int burst, int payloadBytes) {
    long start = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      for (int u = 0; u < users; u++) {
        if (burst == 1) {
          target.push(u, Payloads.stamped(System.nanoTime(), payloadBytes));
        } else {
          byte[][] payloads = new byte[burst][];
          for (int i = 0; i < burst; i++) {
            payloads[i] = Payloads.stamped(System.nanoTime(), payloadBytes);
          }
          target.pushBurst(u, payloads);
        }
      }
    }
    return new Result(start, System.nanoTime(), (long) rounds * users * burst, 0);
  }

  /**
   * Open loop at {@code ratePerSecond} messages in all, users in turn. Each payload carries the
   * time the message was due, not the time it went out, so a pusher that falls behind shows up as
   * latency instead of silently lowering the load (no coordinated omission).
   */
  public static Result paced(PushTarget target, int users, long ratePerSecond, long durationMs, int payloadBytes) {
    long total = ratePerSecond * durationMs / 1000;
    double intervalNanos = 1e9 / ratePerSecond;
    long start = System.nanoTime() + 1_000_000;
    long maxLag = 0;
    long i = 0;
    int user = 0;
    while (i < total) {
      long now = System.nanoTime();
      long due = Math.min(total, (long) ((now - start) / intervalNanos) + 1);
      if (due > i) {
        maxLag = Math.max(maxLag, now - (start + (long) (i * intervalNanos)));
      }
      for (; i < due; i++) {
        target.push(user, Payloads.stamped(start + (long) (i * intervalNanos), payloadBytes));
        if (++user == users) {
          user = 0;
        }
      }
      if (i < total) {
        long wait = start + (long) (i * intervalNanos) - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
      }
    }
    return new Result(start, System.nanoTime(), total, maxLag);
  }
}

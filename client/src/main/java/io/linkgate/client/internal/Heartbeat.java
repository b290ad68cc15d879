package io.linkgate.client.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Pings every granted interval and notices when the server has gone quiet: no frame at all for
 * 2.5 intervals means the connection is dead even if the socket does not know it yet. Scheduler
 * thread only.
 */
final class Heartbeat {
  static final double MISS_FACTOR = 2.5;

  private final Scheduler scheduler;
  private ScheduledFuture<?> tick;
  private long lastReceived;
  private long lastPing;
  private long nonce;

  Heartbeat(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /**
   * Starts for one connection.
   *
   * @param ping sends a Ping with the given nonce
   * @param silent called once when the server has been silent too long
   */
  void start(long intervalMs, java.util.function.LongConsumer ping, Runnable silent) {
    stop();
    long intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
    long timeoutNanos = (long) (intervalNanos * MISS_FACTOR);
    lastReceived = System.nanoTime();
    lastPing = lastReceived;
    // Ticking at half the interval bounds how late a ping or the timeout can be noticed.
    long period = Math.max(1, intervalMs / 2);
    tick = scheduler.scheduleAtFixedRate(Threads.guarded(() -> {
      long now = System.nanoTime();
      if (now - lastReceived >= timeoutNanos) {
        stop();
        silent.run();
      } else if (now - lastPing >= intervalNanos - TimeUnit.MILLISECONDS.toNanos(period) / 2) {
        lastPing = now;
        ping.accept(++nonce);
      }
    }), period, period, TimeUnit.MILLISECONDS);
  }

  /** Any frame from the server proves the connection alive. */
  void touch() {
    lastReceived = System.nanoTime();
  }

  void stop() {
    if (tick != null) {
      tick.cancel(false);
      tick = null;
    }
  }
}

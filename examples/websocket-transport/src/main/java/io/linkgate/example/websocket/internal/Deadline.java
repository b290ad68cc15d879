package io.linkgate.example.websocket.internal;

import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Fires once a connection has seen no activity for the timeout. {@link #touch()} only records the
 * time, so a busy connection costs no timer churn: the timer, when it fires early, re-arms itself
 * for what is left.
 */
final class Deadline {
  private final Scheduler scheduler;
  private final long timeoutNanos;
  private final Runnable onExpiry;
  private volatile long lastActivity;
  private Scheduler.Task task; // guarded by this
  private boolean cancelled; // guarded by this

  Deadline(Scheduler scheduler, long timeoutMillis, Runnable onExpiry) {
    this.scheduler = scheduler;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    this.onExpiry = onExpiry;
  }

  long timeoutMillis() {
    return TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
  }

  /** Starts (or restarts) the countdown from now. */
  void start() {
    touch();
    arm(timeoutNanos);
  }

  void touch() {
    lastActivity = System.nanoTime();
  }

  synchronized void cancel() {
    cancelled = true;
    if (task != null) {
      task.cancel();
    }
  }

  private synchronized void arm(long delayNanos) {
    if (cancelled) {
      return;
    }
    if (task != null) {
      task.cancel();
    }
    task = scheduler.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void check() {
    long idle = System.nanoTime() - lastActivity;
    if (idle < timeoutNanos) {
      arm(timeoutNanos - idle);
      return;
    }
    synchronized (this) {
      if (cancelled) {
        return;
      }
    }
    onExpiry.run();
  }
}

package io.linkgate.transport.tcp.internal;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fires when no frame was read for a while. Event loop only.
 *
 * <p>A read only records the time; the one scheduled task per connection looks at it when it runs
 * and either fires or sleeps for the time that is left, so busy connections cost no timer churn.
 */
final class ReadDeadline implements Runnable {
  private final EventExecutor loop;
  private final long timeoutNanos;
  private final Runnable onExpired;
  private long lastReadNanos;
  private ScheduledFuture<?> task;

  ReadDeadline(EventExecutor loop, long timeoutNanos, Runnable onExpired) {
    this.loop = loop;
    this.timeoutNanos = timeoutNanos;
    this.onExpired = onExpired;
  }

  /** Starts (or restarts) the wait from now. */
  void start() {
    cancel();
    lastReadNanos = System.nanoTime();
    task = loop.schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
  }

  void touch() {
    lastReadNanos = System.nanoTime();
  }

  void cancel() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }

  long timeoutMillis() {
    return TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
  }

  @Override
  public void run() {
    if (task == null) {
      return;
    }
    long idle = System.nanoTime() - lastReadNanos;
    if (idle >= timeoutNanos) {
      task = null;
      onExpired.run();
    } else {
      task = loop.schedule(this, timeoutNanos - idle, TimeUnit.NANOSECONDS);
    }
  }
}

package io.linkgate.transport.grpc.internal;

import io.grpc.netty.shaded.io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fires when no message arrived for a while; runs on one loop only.
 *
 * <p>A message only records the time; the single scheduled task looks at it when it runs and either
 * fires or sleeps for what is left, so a busy stream costs no timer churn.
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

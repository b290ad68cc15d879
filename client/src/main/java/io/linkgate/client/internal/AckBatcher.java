package io.linkgate.client.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides when to send a cumulative PushAck: after {@code batchSize} delivered pushes or {@code
 * delayMs} after the first unacked one, whichever comes first. An ack per push would double the
 * downlink's packet count for nothing, since acks are cumulative.
 */
final class AckBatcher {
  private final Scheduler scheduler;
  private final int batchSize;
  private final long delayMs;
  private final Runnable flush;
  private final AtomicInteger unacked = new AtomicInteger();
  private final AtomicBoolean timerArmed = new AtomicBoolean();

  /** @param flush sends the ack; runs on the scheduler thread and must call {@link #reset()} */
  AckBatcher(Scheduler scheduler, int batchSize, long delayMs, Runnable flush) {
    this.scheduler = scheduler;
    this.batchSize = batchSize;
    this.delayMs = delayMs;
    this.flush = flush;
  }

  /** One more push was delivered. Called on the callback thread. */
  void delivered() {
    if (unacked.incrementAndGet() == batchSize) {
      Threads.post(scheduler, flush);
    } else if (timerArmed.compareAndSet(false, true)) {
      try {
        scheduler.schedule(Threads.guarded(flush), delayMs, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        // the client is closing; the final ack is sent by close()
      }
    }
  }

  /** The flush is sending everything delivered so far. */
  void reset() {
    unacked.set(0);
    timerArmed.set(false);
  }
}

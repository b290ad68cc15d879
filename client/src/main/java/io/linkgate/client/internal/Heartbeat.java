package io.linkgate.client.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Pings every interval and notices when the server has gone quiet: no frame at all for 2.5
 * intervals, or no answer to a ping within {@link #answerTimeoutNanos}, means the connection is dead
 * even if the socket does not know it yet. It also tells
 * when the connection survived an idle period: a ping sent after the link was quiet for most of an
 * interval, and any frame coming back after it, prove a middlebox kept the flow that long. The
 * interval may change while running. Scheduler thread only.
 */
final class Heartbeat {
  static final double MISS_FACTOR = 2.5;
  /**
   * How quiet the link must have been before a ping for its answer to count as an idle period
   * survived; less than 1 because the previous pong itself is traffic, a round trip after a ping.
   */
  private static final double IDLE_SHARE = 0.8;
  /**
   * A ping unanswered this long means a dead connection, however long the interval: a middlebox
   * that forgot the flow answers nothing, and waiting 2.5 long intervals to notice would leave the
   * client unreachable for minutes. Bounded below so a slow radio's round trip is not mistaken for
   * it.
   */
  private static final long MIN_ANSWER_MS = 2_000;
  private static final long MAX_ANSWER_MS = 10_000;

  /** What the heartbeat asks for and reports. */
  interface Listener {
    /** Send a Ping with this nonce. */
    void ping(long nonce);

    /** The link was idle for about {@code intervalMs} and then carried a frame again. */
    void idleSurvived(long intervalMs);

    /** Nothing arrived for {@code silentMs}; called once, and the heartbeat stops. */
    void silent(long silentMs);
  }

  private final Scheduler scheduler;
  private Listener listener;
  private ScheduledFuture<?> tick;
  private long intervalMs;
  private long lastReceived;
  private long lastPing;
  private long nonce;
  /** Counts starts and stops, so a timer set before one does nothing after it. */
  private long generation;
  /** The interval of an idle ping awaiting any frame back; 0 when none is. */
  private long probeMs;

  Heartbeat(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Starts for one connection. */
  void start(long intervalMs, Listener listener) {
    stop();
    this.listener = listener;
    lastReceived = System.nanoTime();
    lastPing = lastReceived;
    probeMs = 0;
    schedule(intervalMs);
  }

  /** Pings at {@code intervalMs} from now on. */
  void interval(long intervalMs) {
    if (tick != null && intervalMs != this.intervalMs) {
      schedule(intervalMs);
    }
  }

  long intervalMs() {
    return intervalMs;
  }

  /** A ping went out and nothing has come back since: a connection lost now died at it. */
  boolean awaitingAnswer() {
    return tick != null && lastPing - lastReceived > 0;
  }

  /** Any frame from the server proves the connection alive. */
  void touch() {
    lastReceived = System.nanoTime();
    long survived = probeMs;
    if (survived > 0) {
      probeMs = 0;
      listener.idleSurvived(survived); // last: it may change the interval
    }
  }

  void stop() {
    generation++; // answers awaited so far no longer matter
    if (tick != null) {
      tick.cancel(false);
      tick = null;
    }
  }

  /** How long a ping may stay unanswered at interval {@code ms}. */
  static long answerTimeoutNanos(long ms) {
    return TimeUnit.MILLISECONDS.toNanos(Math.max(MIN_ANSWER_MS, Math.min(MAX_ANSWER_MS, ms)));
  }

  private void schedule(long ms) {
    if (tick != null) {
      tick.cancel(false);
    }
    intervalMs = ms;
    long intervalNanos = TimeUnit.MILLISECONDS.toNanos(ms);
    long timeoutNanos = (long) (intervalNanos * MISS_FACTOR);
    // Ticking at half the interval bounds how late a ping or the timeout can be noticed.
    long period = Math.max(1, ms / 2);
    long early = TimeUnit.MILLISECONDS.toNanos(period) / 2;
    tick = scheduler.scheduleAtFixedRate(Threads.guarded(() -> {
      long now = System.nanoTime();
      if (now - lastReceived >= timeoutNanos) {
        dead(now);
      } else if (now - lastPing >= intervalNanos - early) {
        long quiet = now - Math.max(lastReceived, lastPing);
        probeMs = quiet >= intervalNanos * IDLE_SHARE ? ms : 0;
        lastPing = now;
        expectAnswer(now, answerTimeoutNanos(ms));
        listener.ping(++nonce);
      }
    }), period, period, TimeUnit.MILLISECONDS);
  }

  /** Its own timer, not the tick: a tick at half a long interval would notice far too late. */
  private void expectAnswer(long pingAt, long withinNanos) {
    long gen = generation;
    scheduler.schedule(Threads.guarded(() -> {
      if (gen == generation && lastReceived - pingAt < 0) {
        dead(System.nanoTime());
      }
    }), withinNanos, TimeUnit.NANOSECONDS);
  }

  private void dead(long now) {
    stop();
    listener.silent(TimeUnit.NANOSECONDS.toMillis(now - lastReceived));
  }
}

package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.GoAway;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timers of one streamed downlink, as one task that wakes at the earliest deadline:
 *
 * <ul>
 *   <li>a {@code Ping} down the stream when nothing was written for the ping interval, so that no
 *       proxy takes the response for idle (and the client can tell a stall);
 *   <li>{@code Error TIMEOUT} and the end when the client sent nothing for the heartbeat miss
 *       window: it pings with POSTs, as a TCP client pings on its connection;
 *   <li>the end of the response, cut, when a write made no progress for the miss window: the client
 *       stopped reading or is gone;
 *   <li>a {@code GoAway} and the end of the response at its maximum age; the GoAway tells the
 *       client the end was planned, so it reconnects and resumes at once instead of backing off as
 *       after a failure.
 * </ul>
 */
final class StreamClock implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(StreamClock.class);

  private static final Frame MAX_AGE_REACHED =
      Frame.newBuilder()
          .setGoAway(GoAway.newBuilder().setReason("stream max age reached: reconnect and resume"))
          .build();

  private final StreamDownlink downlink;
  private final StreamingDownlinkChannel channel;
  private final Scheduler scheduler;
  private final long pingNanos;
  private final long missNanos;
  private final long endNanos;
  private final int grantedMs;
  private long nonce;
  private volatile Scheduler.Task task;

  StreamClock(
      StreamDownlink downlink,
      Scheduler scheduler,
      long pingIntervalMs,
      long missWindowMs,
      long maxAgeMs,
      int grantedMs) {
    this.downlink = downlink;
    this.channel = downlink.channel();
    this.scheduler = scheduler;
    this.pingNanos = TimeUnit.MILLISECONDS.toNanos(pingIntervalMs);
    this.missNanos = TimeUnit.MILLISECONDS.toNanos(missWindowMs);
    this.endNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxAgeMs);
    this.grantedMs = grantedMs;
  }

  void start() {
    schedule(System.nanoTime());
    channel.finished().thenRun(this::cancel);
  }

  @Override
  public void run() {
    if (channel.finished().isDone()) {
      return;
    }
    long now = System.nanoTime();
    long writing = channel.writeStartedNanos();
    if (writing != 0 && now - writing >= missNanos) {
      log.debug(
          "session {}: no write progress for {} ms, closing",
          downlink.sessionId(),
          toMs(missNanos));
      channel.abortStalled(new TimeoutException("no write progress for " + toMs(missNanos) + " ms"));
      return;
    }
    if (!channel.isOpen()) {
      // Closing: only the last write's progress is left to watch.
    } else if (now - endNanos >= 0) {
      channel.close(MAX_AGE_REACHED); // then a clean end: the terminal chunk
    } else if (now - downlink.lastClientFrameNanos() >= missNanos) {
      log.debug("session {}: heartbeat missed", downlink.sessionId());
      channel.closeSilent(
          Frames.error(
              ErrorCode.TIMEOUT,
              "no frame for " + toMs(missNanos) + " ms (heartbeat " + grantedMs + " ms)"));
    } else if (writing == 0 && now - channel.lastWriteNanos() >= pingNanos) {
      channel.send(EncodedFrame.of(Frames.ping(++nonce)));
    }
    schedule(now);
  }

  /** Sleeps until the earliest deadline that matters in the stream's current state. */
  private void schedule(long now) {
    long writing = channel.writeStartedNanos();
    long next;
    if (writing != 0) {
      // While a write is in flight, pings would only queue behind it: watch its progress, but
      // look again a ping interval from now, since nothing wakes this task when the write ends
      // (writes run on the executor, so the Welcome's may still be in flight when the clock starts).
      next = Math.min(writing + missNanos, now + pingNanos);
    } else if (!channel.isOpen()) {
      next = now + missNanos;
    } else {
      next = channel.lastWriteNanos() + pingNanos;
    }
    if (channel.isOpen()) {
      next = Math.min(next, Math.min(endNanos, downlink.lastClientFrameNanos() + missNanos));
    }
    long delay = Math.max(TimeUnit.MILLISECONDS.toNanos(1), next - now);
    task = scheduler.schedule(this, delay, TimeUnit.NANOSECONDS);
    if (channel.finished().isDone()) {
      cancel();
    }
  }

  private void cancel() {
    Scheduler.Task t = task;
    if (t != null) {
      t.cancel();
    }
  }

  private static long toMs(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}

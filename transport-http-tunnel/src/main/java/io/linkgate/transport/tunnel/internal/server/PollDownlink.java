package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.PushAck;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A downlink session carried by successive long-polls.
 *
 * <ul>
 *   <li>A poll is answered as soon as frames wait, or empty after its hold time. One poll is held
 *       at a time: a new one answers the previous one, empty, at once.
 *   <li>A poll's {@code resume_from_seq} confirms every push up to it (and acks them to the core).
 *       Pushes handed out but not yet confirmed are kept and sent again in front of new frames, so
 *       a response lost on the way loses nothing; the client drops what it already has by seq. Room
 *       pushes and other frames are sent once (rooms are best effort anyway).
 *   <li>A session with no poll held and no request for its expiry time (the hold plus the heartbeat
 *       miss window, capped) is closed.
 *   <li>A closed session is over once a poll took its last frames, or one hold after it closed if
 *       none came for them: a client that went away must not keep its slot and the core's session.
 * </ul>
 */
final class PollDownlink extends TunnelDownlink {
  private static final Logger log = LoggerFactory.getLogger(PollDownlink.class);

  /** A poll waiting for frames. */
  private static final class Held {
    final Response response;
    final Callback callback;
    volatile Scheduler.Task timer;

    Held(Response response, Callback callback) {
      this.response = response;
      this.callback = callback;
    }

    void cancelTimer() {
      Scheduler.Task t = timer;
      if (t != null) {
        t.cancel();
      }
    }
  }

  private final PollQueue queue;
  private final Scheduler scheduler;
  private final long expiryNanos;
  private final long collectMs;
  private final long limitBytes;
  private final Consumer<PollDownlink> onEnded;

  private final ArrayDeque<EncodedFrame> unconfirmed = new ArrayDeque<>(); // guarded by this
  private long unconfirmedBytes; // guarded by this
  private long confirmedSeq; // guarded by this
  private Held held; // guarded by this
  private boolean finished; // guarded by this
  private volatile long lastActivityNanos = System.nanoTime();
  private volatile Scheduler.Task expiry;
  private volatile Scheduler.Task collect;

  /**
   * @param expiryMs how long the session lives without a poll (hold plus the miss window)
   * @param collectMs how long a closed session's last frames wait for a poll (one hold)
   * @param onEnded runs once the session is over for good (its last frames taken, or expired)
   */
  PollDownlink(
      String deviceId,
      PollQueue queue,
      Executor executor,
      Scheduler scheduler,
      long expiryMs,
      long collectMs,
      int limitBytes,
      Consumer<PollDownlink> onEnded) {
    super(deviceId, executor);
    this.queue = queue;
    this.scheduler = scheduler;
    this.expiryNanos = TimeUnit.MILLISECONDS.toNanos(expiryMs);
    this.collectMs = collectMs;
    this.limitBytes = limitBytes;
    this.onEnded = onEnded;
    queue.listen(this::framesReady, this::queueClosed);
  }

  @Override
  PollQueue channel() {
    return queue;
  }

  @Override
  long bufferedBytes() {
    return queue.bufferedBytes();
  }

  @Override
  void clientSeen() {
    super.clientSeen();
    lastActivityNanos = System.nanoTime();
  }

  /** Starts watching for expiry. */
  void start() {
    scheduleExpiry(expiryNanos);
  }

  /** The first poll, which opened the session: answered at once with the Welcome and the replay. */
  void answerNow(Response response, Callback callback) {
    respond(new Held(response, callback));
  }

  /** A later poll of this session. */
  void poll(
      Request request, Response response, Callback callback, long resumeFromSeq, long holdMs) {
    clientSeen();
    Held previous;
    Held h = new Held(response, callback);
    boolean now;
    synchronized (this) {
      confirm(resumeFromSeq);
      previous = held;
      now = !unconfirmed.isEmpty() || queue.hasSomething();
      held = now ? null : h;
    }
    if (previous != null) {
      previous.cancelTimer();
      write(previous, List.of(), false); // the client has moved on to this poll
    }
    if (resumeFromSeq > 0) {
      onClientFrame(
          Frame.newBuilder().setPushAck(PushAck.newBuilder().setUpToSeq(resumeFromSeq)).build());
    }
    if (now) {
      respond(h);
      return;
    }
    h.timer = scheduler.schedule(() -> holdOver(h), Math.max(0, holdMs), TimeUnit.MILLISECONDS);
    request.addFailureListener(failure -> pollFailed(h, failure));
    if (queue.hasSomething()) {
      framesReady(); // arrived between the check and the hold
    }
  }

  /** Ends the session now; a held poll gets the last frames. */
  @Override
  void close(Frame lastFrame) {
    queue.close(lastFrame);
  }

  /**
   * The server stops, or a newer session of the device replaced this one: a held poll gets the last
   * answer, and the session is over at once.
   */
  @Override
  CompletableFuture<Void> terminate() {
    Held h;
    synchronized (this) {
      h = held;
      held = null;
    }
    queue.close(null);
    if (h != null) {
      respond(h);
    }
    queue.drainNow();
    finish();
    return CompletableFuture.completedFuture(null);
  }

  /** The session closed (the core ended it, or it went over a bound): its end is on its way. */
  private void queueClosed() {
    ended();
    collect = scheduler.schedule(this::uncollected, collectMs, TimeUnit.MILLISECONDS);
  }

  /** No poll came for the closed session's last frames within a hold: it is over without them. */
  private void uncollected() {
    Held h;
    synchronized (this) {
      if (finished) {
        return;
      }
      h = held;
      held = null;
    }
    if (h != null) {
      respond(h);
    } else {
      log.debug("poll session {}: last frames not collected", sessionId());
    }
    queue.drainNow();
    finish();
  }

  private void framesReady() {
    Held h;
    synchronized (this) {
      if (!queue.hasSomething() && unconfirmed.isEmpty()) {
        return; // a late wake-up: what woke it was taken by a poll already
      }
      h = held;
      held = null;
    }
    if (h != null) {
      respond(h);
    }
  }

  private void holdOver(Held h) {
    synchronized (this) {
      if (held != h) {
        return; // already answered
      }
      held = null;
    }
    respond(h);
  }

  private void pollFailed(Held h, Throwable failure) {
    synchronized (this) {
      if (held != h) {
        return;
      }
      held = null;
    }
    h.cancelTimer();
    h.callback.failed(failure);
  }

  /** Answers {@code h} with the unconfirmed pushes and whatever is queued. */
  private void respond(Held h) {
    h.cancelTimer();
    List<EncodedFrame> frames;
    PollQueue.Batch batch;
    boolean overBound;
    synchronized (this) {
      batch = queue.take();
      frames = new ArrayList<>(unconfirmed.size() + batch.frames().size());
      frames.addAll(unconfirmed);
      for (EncodedFrame f : batch.frames()) {
        frames.add(f);
        if (f.frame().hasPush() && f.frame().getPush().getSeq() > confirmedSeq) {
          unconfirmed.add(f);
          unconfirmedBytes += f.size();
        }
      }
      overBound = unconfirmedBytes > limitBytes;
    }
    lastActivityNanos = System.nanoTime();
    if (overBound) {
      // A client that never confirms would be sent its history again and again.
      queue.close(
          Frames.error(
              ErrorCode.SLOW_CONSUMER,
              "pushes not confirmed by resume_from_seq exceed " + limitBytes + " bytes"));
    }
    write(h, frames, batch.last());
    if (batch.last()) {
      finish();
    }
  }

  private void write(Held h, List<EncodedFrame> frames, boolean last) {
    Response response = h.response;
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, TunnelProtocol.CONTENT_TYPE);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, no-store");
    if (last) {
      response.getHeaders().put(TunnelProtocol.CLOSED_HEADER, "true");
    }
    int size = 0;
    for (EncodedFrame f : frames) {
      size += f.size();
    }
    ByteBuffer body = ByteBuffer.allocate(size);
    for (EncodedFrame f : frames) {
      body.put(f.bytes());
    }
    response.write(
        true,
        body.flip(),
        Callback.from(
            () -> {
              lastActivityNanos = System.nanoTime();
              h.callback.succeeded();
            },
            failure -> {
              log.debug("session {}: poll response lost: {}", sessionId(), failure.toString());
              h.callback.failed(failure);
            }));
  }

  /** Drops the pushes the client confirmed holding. */
  private void confirm(long upToSeq) {
    if (upToSeq <= confirmedSeq) {
      return;
    }
    confirmedSeq = upToSeq;
    while (!unconfirmed.isEmpty() && unconfirmed.peek().frame().getPush().getSeq() <= upToSeq) {
      unconfirmedBytes -= unconfirmed.poll().size();
    }
  }

  private void scheduleExpiry(long delayNanos) {
    expiry = scheduler.schedule(this::checkExpiry, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void checkExpiry() {
    if (queue.isDrained()) {
      return;
    }
    boolean polling;
    synchronized (this) {
      polling = held != null;
    }
    long idle = System.nanoTime() - Math.max(lastActivityNanos, lastClientFrameNanos());
    if (polling || idle < expiryNanos) {
      scheduleExpiry(polling ? expiryNanos : expiryNanos - idle);
      return;
    }
    log.debug("poll session {} expired", sessionId());
    queue.expired();
    finish();
  }

  private void finish() {
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
    }
    for (Scheduler.Task t : new Scheduler.Task[] {expiry, collect}) {
      if (t != null) {
        t.cancel();
      }
    }
    onEnded.accept(this);
  }
}

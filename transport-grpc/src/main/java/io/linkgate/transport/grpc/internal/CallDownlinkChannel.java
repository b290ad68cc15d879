package io.linkgate.transport.grpc.internal;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.util.concurrent.EventExecutor;
import io.linkgate.api.EncodedFrame;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.TransportEvents;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The push side of one {@code Downlink} call.
 *
 * <p>{@link #send} may be called from any thread: it appends to a queue and, unless one is pending,
 * schedules a drain on the call's loop. The drain hands frames to gRPC only while the call {@link
 * ServerCall#isReady() is ready}, so gRPC itself never holds more than its on-ready threshold (a
 * quarter of the outbound bound, at most 32 KiB) plus the frame in hand; the rest waits here. The
 * queue takes at most the bound less that threshold (a frame alone, up to the whole bound), so what
 * the server holds for one client stays within the bound as on TCP: the send that would pass it is
 * refused, and the call ends with {@code Error SLOW_CONSUMER} (sent as the last message) and status
 * RESOURCE_EXHAUSTED. The client reconnects and resumes from its last seq.
 *
 * <p>Closing sends what is queued, then the last frame as a message if the call has sent anything
 * yet (before {@code Welcome} a refusal is the status alone), then ends the call with the status the
 * last frame maps to and the {@code Error} in the trailers (see {@link GrpcErrors}). Everything that
 * touches the call runs on its loop.
 */
final class CallDownlinkChannel implements DownlinkChannel {
  /** gRPC's own default on-ready threshold, the most we let it hold for a stream. */
  private static final int MAX_ON_READY_THRESHOLD = 32 * 1024;

  private static final int OPEN = 0;
  private static final int CLOSE_REQUESTED = 1;
  private static final int CLOSED = 2;

  /** A close that explains itself with a status only: the client ended its side. */
  private static final Status CLIENT_DONE =
      Status.OK.withDescription("the client ended the downlink");

  private final ServerCall<?, EncodedFrame> call;
  private final EventExecutor loop;
  private final int onReadyThreshold;
  private final long bound;
  private final long queueLimit;
  private final ConcurrentLinkedQueue<EncodedFrame> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean drainPending = new AtomicBoolean();
  private final Runnable drainTask = this::drain;
  private final Runnable whenClosed;
  private final TransportEvents events;

  /** The first close's last frame (or {@link #CLIENT_DONE}, or a marker for none); then fixed. */
  private final AtomicReference<Object> closing = new AtomicReference<>();

  private final AtomicInteger state = new AtomicInteger(OPEN);

  /** Loop only: tasks waiting for the call to take more; made on first need. */
  private ArrayDeque<Runnable> writableTasks;

  /** Loop only. */
  private boolean headersSent;

  private static final Object NO_LAST_FRAME = new Object();

  /**
   * @param outboundQueueBytes the bound on what the server holds for this client
   * @param whenClosed runs on the loop once the call was ended from this side
   */
  CallDownlinkChannel(
      ServerCall<?, EncodedFrame> call,
      EventExecutor loop,
      int outboundQueueBytes,
      TransportEvents events,
      Runnable whenClosed) {
    this.call = call;
    this.events = events;
    this.loop = loop;
    this.onReadyThreshold =
        Math.max(1, Math.min(MAX_ON_READY_THRESHOLD, outboundQueueBytes / 4));
    this.bound = outboundQueueBytes;
    this.queueLimit = Math.max(1, outboundQueueBytes - onReadyThreshold);
    this.whenClosed = whenClosed;
  }

  /** Loop only, before anything is sent. */
  void start() {
    call.setOnReadyThreshold(onReadyThreshold);
  }

  @Override
  public boolean send(EncodedFrame frame) {
    if (state.get() != OPEN) {
      return false;
    }
    int size = frame.size(); // encodes here, on the caller's thread, if no one did yet
    long queued = queuedBytes.addAndGet(size);
    if (queued > queueLimit && (queued > size || size > bound)) {
      queuedBytes.addAndGet(-size);
      if (requestClose(
          Frames.error(
              ErrorCode.SLOW_CONSUMER,
              "outbound queue over " + bound + " bytes; reconnect and resume"))) {
        events.slowConsumerClosed();
      }
      return false;
    }
    queue.offer(frame);
    if (!drainPending.get() && drainPending.compareAndSet(false, true)) {
      execute(drainTask);
    }
    return true;
  }

  @Override
  public void close(Frame lastFrame) {
    requestClose(lastFrame != null ? lastFrame : NO_LAST_FRAME);
  }

  /** Ends the call with status OK: the client finished its side, there is nothing to explain. */
  void closeGracefully() {
    requestClose(CLIENT_DONE);
  }

  /** True for the first close, which wins. */
  private boolean requestClose(Object last) {
    // The first close wins; its frame is in place before any drain can see the new state.
    if (closing.compareAndSet(null, last) && state.compareAndSet(OPEN, CLOSE_REQUESTED)) {
      execute(drainTask);
      return true;
    }
    return false;
  }

  @Override
  public boolean isOpen() {
    return state.get() == OPEN;
  }

  /** True once a close was asked for or the call ended. */
  boolean isClosing() {
    return state.get() != OPEN;
  }

  /** Bytes waiting for the call to take them, for tests and metrics; any thread. */
  long queuedBytes() {
    return queuedBytes.get();
  }

  /**
   * Runs {@code task} on the loop once the queue has been handed to gRPC and the call is ready for
   * more, i.e. gRPC holds less than its on-ready threshold.
   */
  @Override
  public void whenWritable(Runnable task) {
    execute(
        () -> {
          if (state.get() != OPEN) {
            return;
          }
          if (writableTasks == null) {
            writableTasks = new ArrayDeque<>(2);
          }
          writableTasks.add(task);
          drain();
        });
  }

  /** Loop only: gRPC can take more. */
  void onReady() {
    drain();
  }

  /** Loop only: the call ended on the client's side (cancelled, completed); drop the queue. */
  void terminated() {
    state.set(CLOSED);
    writableTasks = null;
    discardQueued();
  }

  private void drain() {
    drainPending.set(false); // before polling: a frame offered from now on schedules a new drain
    int now = state.get();
    if (now == CLOSED) {
      discardQueued();
      return;
    }
    boolean closeRequested = now == CLOSE_REQUESTED;
    long handedNanos = System.nanoTime(); // one clock read per batch
    EncodedFrame frame;
    // While closing, the queue goes out whatever gRPC holds: it is within the bound, and the call
    // ends right after it.
    while ((closeRequested || call.isReady()) && (frame = queue.poll()) != null) {
      queuedBytes.addAndGet(-frame.size());
      write(frame);
      events.written(frame, handedNanos);
    }
    if (closeRequested) {
      finish();
    } else {
      runWritableTasks();
    }
  }

  private void runWritableTasks() {
    Runnable task;
    while (writableTasks != null
        && state.get() == OPEN
        && queue.isEmpty()
        && call.isReady()
        && (task = writableTasks.poll()) != null) {
      task.run();
    }
  }

  private void write(EncodedFrame frame) {
    if (!headersSent) {
      headersSent = true;
      call.sendHeaders(new Metadata());
    }
    call.sendMessage(frame);
  }

  private void finish() {
    state.set(CLOSED);
    writableTasks = null;
    Object last = closing.get();
    if (last == CLIENT_DONE) {
      call.close(CLIENT_DONE, new Metadata());
    } else if (last instanceof Frame frame) {
      if (headersSent) {
        // After Welcome the client reads frames: the reason comes in order after the pushes.
        write(EncodedFrame.of(frame));
      }
      call.close(statusOf(frame), trailersOf(frame));
    } else {
      call.close(
          Status.UNAVAILABLE.withDescription("downlink closed by the server"), new Metadata());
    }
    whenClosed.run();
  }

  private static Status statusOf(Frame last) {
    if (last.hasError()) {
      return GrpcErrors.status(last.getError());
    }
    if (last.hasGoAway()) {
      return Status.UNAVAILABLE.withDescription(
          "node draining: " + last.getGoAway().getReason() + "; reconnect elsewhere and resume");
    }
    return Status.UNAVAILABLE.withDescription("downlink closed by the server");
  }

  private static Metadata trailersOf(Frame last) {
    return last.hasError() ? GrpcErrors.trailers(last.getError()) : new Metadata();
  }

  private void discardQueued() {
    EncodedFrame frame;
    while ((frame = queue.poll()) != null) {
      queuedBytes.addAndGet(-frame.size());
    }
  }

  private void execute(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      // The loop is shutting down, and the server with it: the call is cancelled anyway.
      state.set(CLOSED);
    }
  }
}

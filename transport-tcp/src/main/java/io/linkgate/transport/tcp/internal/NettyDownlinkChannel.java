package io.linkgate.transport.tcp.internal;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.TransportEvents;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;

/**
 * The push side of one downlink connection: the hot path.
 *
 * <p>{@link #send} may be called from any thread. It appends to a lock-free queue and, unless one
 * is already pending, schedules a single drain on the channel's event loop; the drain writes every
 * queued frame (wrapping the shared encoded bytes, no copy) and flushes once, so a burst of pushes
 * costs one flush and usually one system call.
 *
 * <p>The bound is ours to keep: Netty's writability only advises, writes are never refused. The
 * bytes in the queue plus the bytes pending in the channel's outbound buffer may not pass {@code
 * limitBytes}; the send that would pass it is refused and the client is closed with {@code Error
 * SLOW_CONSUMER}. It reconnects and resumes from its last seq.
 *
 * <p>Metrics cost the drain one {@code System.nanoTime()} per batch and each pushed frame one
 * timer record; nothing is counted per send.
 */
final class NettyDownlinkChannel implements DownlinkChannel {
  private static final VarHandle DRAIN_PENDING;
  private static final VarHandle STATE;
  private static final VarHandle LAST_FRAME;

  /** Stands for "close without a last frame", so that null can mean "no close asked for". */
  private static final Object NO_LAST_FRAME = new Object();

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      DRAIN_PENDING = lookup.findVarHandle(NettyDownlinkChannel.class, "drainPending", int.class);
      STATE = lookup.findVarHandle(NettyDownlinkChannel.class, "state", int.class);
      LAST_FRAME = lookup.findVarHandle(NettyDownlinkChannel.class, "lastFrame", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final int OPEN = 0;
  private static final int CLOSE_REQUESTED = 1;
  private static final int CLOSED = 2;

  private final Channel ch;
  private final long limitBytes;
  private final long closeGraceMillis;
  private final TransportEvents events;
  private final FrameQueue queue = new FrameQueue();
  private final Runnable drainTask = this::drain;

  /** Event loop only: tasks waiting for the channel to become writable; made on first need. */
  private ArrayDeque<Runnable> writableTasks;

  @SuppressWarnings("unused") // through DRAIN_PENDING
  private volatile int drainPending;

  @SuppressWarnings("unused") // through STATE
  private volatile int state;

  /** Null until the first close: then its frame, or NO_LAST_FRAME. Set before the state moves. */
  @SuppressWarnings("unused") // through LAST_FRAME
  private volatile Object lastFrame;

  NettyDownlinkChannel(Channel ch, int limitBytes, long closeGraceMillis) {
    this(ch, limitBytes, closeGraceMillis, TransportEvents.NONE);
  }

  NettyDownlinkChannel(Channel ch, int limitBytes, long closeGraceMillis, TransportEvents events) {
    this.ch = ch;
    this.events = events;
    this.limitBytes = limitBytes;
    this.closeGraceMillis = closeGraceMillis;
  }

  @Override
  public boolean send(EncodedFrame frame) {
    if (state != OPEN) {
      return false;
    }
    int size = frame.size(); // encodes here, on the caller's thread, if no one did yet
    long queued = queue.reserve(size);
    if (queued + pendingOutboundBytes() > limitBytes) {
      queue.release(size);
      if (requestClose(
          Frames.error(
              ErrorCode.SLOW_CONSUMER,
              "outbound queue over " + limitBytes + " bytes; reconnect and resume"))) {
        events.slowConsumerClosed();
      }
      return false;
    }
    queue.offer(frame);
    if (drainPending == 0 && DRAIN_PENDING.compareAndSet(this, 0, 1)) {
      execute(drainTask);
    }
    return true;
  }

  @Override
  public void close(Frame lastFrame) {
    requestClose(lastFrame);
  }

  /** True for the first close, which wins. */
  private boolean requestClose(Frame lastFrame) {
    // The first close wins; its frame is in place before any drain can see the new state.
    if (LAST_FRAME.compareAndSet(this, null, lastFrame != null ? lastFrame : NO_LAST_FRAME)
        && STATE.compareAndSet(this, OPEN, CLOSE_REQUESTED)) {
      execute(drainTask);
      return true;
    }
    return false;
  }

  @Override
  public boolean isOpen() {
    return state == OPEN && ch.isActive();
  }

  /** True once a close was asked for: the connection takes no more frames in either direction. */
  boolean isClosing() {
    return state != OPEN;
  }

  /** Bytes queued but not yet handed to the channel, for tests and metrics. */
  long queuedBytes() {
    return queue.bytes();
  }

  /** What the bound applies to: queued bytes plus those pending in the outbound buffer. */
  long bufferedBytes() {
    return queue.bytes() + pendingOutboundBytes();
  }

  /**
   * Runs {@code task} on the event loop once the queue is written out and the channel is under its
   * low-water mark (the transport sets it to a quarter of the bound), so a paced replay never nears
   * the bound.
   */
  @Override
  public void whenWritable(Runnable task) {
    execute(
        () -> {
          if (state != OPEN) {
            return;
          }
          drain();
          if (ch.isWritable()) {
            task.run();
          } else {
            if (writableTasks == null) {
              writableTasks = new ArrayDeque<>(2);
            }
            writableTasks.add(task);
          }
        });
  }

  /** Event loop only: the channel's writability changed. */
  void onWritabilityChanged() {
    if (writableTasks == null || !ch.isWritable() || state != OPEN) {
      return;
    }
    Runnable task;
    while (ch.isWritable() && (task = writableTasks.poll()) != null) {
      task.run();
    }
  }

  /** Event loop only: the connection is gone; drop whatever is still queued. */
  void onInactive() {
    state = CLOSED;
    writableTasks = null;
    discardQueued();
  }

  private void drain() {
    drainPending = 0; // before polling: a frame offered from now on schedules a new drain
    if (state == CLOSED || !ch.isActive()) {
      discardQueued();
      return;
    }
    boolean wrote = false;
    long bytes = 0;
    long now = System.nanoTime(); // one clock read for the batch: it is flushed right after
    EncodedFrame frame;
    while ((frame = queue.poll()) != null) {
      ch.write(Unpooled.wrappedBuffer(frame.bytes()), ch.voidPromise());
      events.written(frame, now);
      bytes += frame.size();
      wrote = true;
    }
    queue.release(bytes);
    if (state == CLOSE_REQUESTED) {
      state = CLOSED;
      // An empty buffer completes after everything before it: a marker for "all written".
      ChannelFuture lastWrite =
          ch.writeAndFlush(
              lastFrame instanceof Frame last ? FrameBufs.of(last) : Unpooled.EMPTY_BUFFER);
      Closing.afterWrite(ch, lastWrite, closeGraceMillis);
    } else if (wrote) {
      ch.flush();
    }
  }

  private void discardQueued() {
    long bytes = 0;
    EncodedFrame frame;
    while ((frame = queue.poll()) != null) {
      bytes += frame.size();
    }
    queue.release(bytes);
  }

  private long pendingOutboundBytes() {
    ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
    return buffer == null ? 0 : buffer.totalPendingWriteBytes();
  }

  private void execute(Runnable task) {
    try {
      ch.eventLoop().execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // The event loop is shutting down and closes the channel itself.
      state = CLOSED;
    }
  }
}

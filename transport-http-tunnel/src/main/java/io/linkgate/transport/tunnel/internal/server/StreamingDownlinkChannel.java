package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Welcome;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.TransportEvents;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * A downlink streamed as one long HTTP response: frames are written as body chunks, in order, from
 * any thread; one write is in flight at a time and everything queued meanwhile goes out in the next
 * one.
 *
 * <p>{@link #send} only queues and hands the writing to the executor (once per batch, like a Netty
 * channel's event loop): writing on the caller's thread made each frame of a burst its own write and
 * chunk, since a write to a socket with room completes at once, before the caller queues the next
 * frame. Measured with bench's TunnelBenchmark: bursts of 8 reached 1.1-1.6 frames per client read
 * that way, against 6-8 from a raw Jetty handler.
 *
 * <p>The bound is ours to keep: the bytes queued plus those of the write in flight may not pass
 * {@code limitBytes}; the send that would pass it is refused and the stream ends with {@code Error
 * SLOW_CONSUMER} after what is queued, as on TCP. {@link #whenWritable} tasks run once that total
 * is down to a quarter of the bound, from Jetty's write callbacks.
 *
 * <p>Frames are held until {@link #release}: the core writes the {@code Welcome} while it opens
 * the session, and a client that got it before the session was registered would find its first
 * request (a Ping, an ack) answered 404.
 */
final class StreamingDownlinkChannel implements DownlinkChannel {
  private static final int OPEN = 0;
  private static final int CLOSING = 1;
  private static final int CLOSED = 2;

  private final Response response;
  private final Callback exchange;
  private final long limitBytes;
  private final long lowWaterBytes;
  private final Executor executor;
  private final TransportEvents events;
  private final Writer writer = new Writer();
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private final AtomicBoolean completed = new AtomicBoolean();
  private final AtomicBoolean writePending = new AtomicBoolean();
  private final Runnable writeTask = this::writeQueued;

  private final Object lock = new Object();
  private final ArrayDeque<EncodedFrame> queue = new ArrayDeque<>();
  private long queuedBytes; // guarded by lock
  private long inFlightBytes; // guarded by lock
  private int state = OPEN; // guarded by lock
  private Frame lastFrame; // guarded by lock
  private boolean lastWritten; // guarded by lock
  private boolean wroteAnything; // guarded by lock
  private boolean held = true; // guarded by lock
  private ArrayDeque<Runnable> writableTasks; // guarded by lock
  private volatile long writeStartedNanos; // 0 while no write is in flight
  private volatile long lastWriteNanos = System.nanoTime();
  private volatile Welcome welcome;

  StreamingDownlinkChannel(
      Response response,
      Callback exchange,
      int limitBytes,
      Executor executor,
      TransportEvents events) {
    this.response = response;
    this.events = events;
    this.exchange = exchange;
    this.limitBytes = limitBytes;
    this.lowWaterBytes = Math.max(1, limitBytes / 4);
    this.executor = executor;
  }

  @Override
  public boolean send(EncodedFrame frame) {
    int size = frame.size(); // encodes here, on the caller's thread, if no one did yet
    boolean queued;
    boolean write;
    synchronized (lock) {
      if (state != OPEN) {
        return false;
      }
      queued = queuedBytes + inFlightBytes + size <= limitBytes;
      write = !held;
      if (queued) {
        // Counts as written for the keep-alive pings: it is on its way, and a ping computed
        // before the writer runs would only queue up behind it.
        lastWriteNanos = System.nanoTime();
        if (welcome == null && frame.frame().hasWelcome()) {
          welcome = frame.frame().getWelcome();
        }
        queue.add(frame);
        queuedBytes += size;
      } else {
        events.slowConsumerClosed();
        requestClose(
            Frames.error(
                ErrorCode.SLOW_CONSUMER,
                "outbound queue over " + limitBytes + " bytes; reconnect and resume"));
      }
    }
    if (queued) {
      if (write) {
        scheduleWrite();
      }
    } else {
      writer.iterate(); // the close: outside the lock, it may write and complete on this thread
    }
    return queued;
  }

  /** Lets the frames queued so far, and every later one, be written. */
  void release() {
    synchronized (lock) {
      if (!held) {
        return;
      }
      held = false;
    }
    scheduleWrite();
  }

  private void scheduleWrite() {
    if (!writePending.get() && writePending.compareAndSet(false, true)) {
      runLater(writeTask);
    }
  }

  private void writeQueued() {
    writePending.set(false); // before writing: a frame queued from now on schedules another run
    writer.iterate();
  }

  @Override
  public void close(Frame last) {
    synchronized (lock) {
      if (state != OPEN) {
        return;
      }
      requestClose(last);
    }
    writer.iterate();
  }

  @Override
  public boolean isOpen() {
    synchronized (lock) {
      return state == OPEN;
    }
  }

  @Override
  public void whenWritable(Runnable task) {
    synchronized (lock) {
      if (state != OPEN) {
        return;
      }
      if (queuedBytes + inFlightBytes > lowWaterBytes) {
        if (writableTasks == null) {
          writableTasks = new ArrayDeque<>(2);
        }
        writableTasks.add(task);
        return;
      }
    }
    task.run();
  }

  /**
   * Gives the response back unused when nothing was written yet, so that a refusal can be answered
   * with an error status instead; false if the stream has begun (the refusal then ends it).
   */
  boolean abandonIfUnwritten() {
    synchronized (lock) {
      if (wroteAnything
          || state != OPEN
          || !queue.isEmpty()
          || !completed.compareAndSet(false, true)) {
        return false;
      }
      state = CLOSED;
      writableTasks = null;
    }
    finished.complete(null); // the exchange is the caller's now
    return true;
  }

  /**
   * Ends the response at once, unwritten frames and all: the connection failed or is dead. The
   * exchange is failed here rather than when the writer notices, since a write stuck on a peer that
   * does not read may never complete; failing the exchange is what cuts the connection.
   */
  void abort(Throwable cause) {
    writer.abort(cause);
    complete(cause);
  }

  /** Completes the exchange once, however the stream ended. */
  private void complete(Throwable failure) {
    if (!completed.compareAndSet(false, true)) {
      return;
    }
    synchronized (lock) {
      state = CLOSED;
      queue.clear();
      queuedBytes = 0;
      writableTasks = null;
    }
    if (failure == null) {
      exchange.succeeded();
    } else {
      exchange.failed(failure);
    }
    finished.complete(null);
  }

  /** Bytes queued or in the write in flight, not yet taken by the connection; any thread. */
  long bufferedBytes() {
    synchronized (lock) {
      return queuedBytes + inFlightBytes;
    }
  }

  /** The client stopped reading: its write made no progress within the miss window. */
  void abortStalled(Throwable cause) {
    events.slowConsumerClosed();
    abort(cause);
  }

  /** The client sent nothing within the heartbeat miss window. */
  void closeSilent(Frame error) {
    events.heartbeatTimeout();
    close(error);
  }

  /** Completes when the response is over, however it ended. */
  CompletableFuture<Void> finished() {
    return finished;
  }

  /** The Welcome the core sent first, once it did. */
  Welcome welcome() {
    return welcome;
  }

  /** When the write in flight started, or 0 if none is. */
  long writeStartedNanos() {
    return writeStartedNanos;
  }

  /** When a frame was last queued or written: the stream's last sign of life towards the client. */
  long lastWriteNanos() {
    return lastWriteNanos;
  }

  private void requestClose(Frame last) {
    state = CLOSING;
    lastFrame = last;
    writableTasks = null;
  }

  /** Writes what is queued, one write at a time, without recursing on synchronous completions. */
  private final class Writer extends IteratingCallback {
    @Override
    protected Action process() {
      ByteBuffer buffer;
      boolean last;
      List<Runnable> ready = List.of();
      synchronized (lock) {
        inFlightBytes = 0;
        writeStartedNanos = 0;
        if (lastWritten) {
          return Action.SUCCEEDED;
        }
        if (state == OPEN && writableTasks != null && queuedBytes <= lowWaterBytes) {
          ready = List.copyOf(writableTasks);
          writableTasks = null;
        }
        if (!queue.isEmpty()) {
          buffer = takeQueued(System.nanoTime());
          last = false;
        } else if (state == CLOSING) {
          buffer =
              lastFrame == null
                  ? ByteBuffer.allocate(0)
                  : ByteBuffer.wrap(FrameCodec.encode(lastFrame));
          last = true;
          lastWritten = true;
          state = CLOSED;
        } else {
          buffer = null;
          last = false;
        }
        if (buffer != null) {
          wroteAnything = true;
          long now = System.nanoTime();
          writeStartedNanos = now;
          lastWriteNanos = now;
        }
      }
      for (Runnable task : ready) {
        runLater(task);
      }
      if (buffer == null) {
        return Action.IDLE;
      }
      response.write(last, buffer, this);
      return Action.SCHEDULED;
    }

    /**
     * Everything queued, as one buffer; a single frame is written from its shared bytes. Pushes
     * are timed as written at {@code now}: the write starts right after.
     */
    private ByteBuffer takeQueued(long now) {
      inFlightBytes = queuedBytes;
      queuedBytes = 0;
      if (queue.size() == 1) {
        EncodedFrame only = queue.poll();
        events.written(only, now);
        return ByteBuffer.wrap(only.bytes());
      }
      ByteBuffer batch = ByteBuffer.allocate((int) inFlightBytes);
      EncodedFrame f;
      while ((f = queue.poll()) != null) {
        batch.put(f.bytes());
        events.written(f, now);
      }
      return batch.flip();
    }

    @Override
    protected void onCompleteSuccess() {
      complete(null);
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
      complete(cause);
    }
  }

  private void runLater(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // the server is stopping; the stream ends with it
      writePending.set(false);
    }
  }
}

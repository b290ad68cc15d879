package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Welcome;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.TransportEvents;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The channel of a long-polled downlink: frames wait here, within the outbound bound, until a poll
 * takes them. A send that would pass the bound is refused and the session ends with {@code Error
 * SLOW_CONSUMER}, as on TCP; {@link #whenWritable} tasks run once a poll has taken the queue down
 * to a quarter of the bound.
 *
 * <p>New frames wake the waiting poll through {@code onReady}, run on the executor so that a burst
 * of sends is answered by one response.
 */
final class PollQueue implements DownlinkChannel {
  private static final int OPEN = 0;
  private static final int CLOSING = 1;
  private static final int DRAINED = 2;

  /** What one poll takes. */
  record Batch(List<EncodedFrame> frames, boolean last) {}

  private final long limitBytes;
  private final long lowWaterBytes;
  private final Executor executor;
  private final TransportEvents events;
  private volatile Runnable onReady = () -> {};
  private volatile Runnable onClose = () -> {};

  private final Object lock = new Object();
  private final ArrayDeque<EncodedFrame> queue = new ArrayDeque<>();
  private long queuedBytes; // guarded by lock
  private int state = OPEN; // guarded by lock
  private Frame lastFrame; // guarded by lock
  private boolean wakePending; // guarded by lock
  private ArrayDeque<Runnable> writableTasks; // guarded by lock
  private volatile Welcome welcome;

  PollQueue(int limitBytes, Executor executor, TransportEvents events) {
    this.events = events;
    this.limitBytes = limitBytes;
    this.lowWaterBytes = Math.max(1, limitBytes / 4);
    this.executor = executor;
  }

  /** Set once, before the session opens. */
  void listen(Runnable onReady, Runnable onClose) {
    this.onReady = onReady;
    this.onClose = onClose;
  }

  @Override
  public boolean send(EncodedFrame frame) {
    int size = frame.size();
    boolean closing = false;
    synchronized (lock) {
      if (state != OPEN) {
        return false;
      }
      if (queuedBytes + size > limitBytes) {
        events.slowConsumerClosed();
        state = CLOSING;
        lastFrame =
            Frames.error(
                ErrorCode.SLOW_CONSUMER,
                "outbound queue over " + limitBytes + " bytes; reconnect and resume");
        writableTasks = null;
        closing = true;
      } else {
        if (welcome == null && frame.frame().hasWelcome()) {
          welcome = frame.frame().getWelcome();
        }
        queue.add(frame);
        queuedBytes += size;
      }
    }
    if (closing) {
      onClose.run();
    }
    wake();
    return !closing;
  }

  @Override
  public void close(Frame last) {
    synchronized (lock) {
      if (state != OPEN) {
        return;
      }
      state = CLOSING;
      lastFrame = last;
      writableTasks = null;
    }
    onClose.run();
    wake();
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
      if (queuedBytes > lowWaterBytes) {
        if (writableTasks == null) {
          writableTasks = new ArrayDeque<>(2);
        }
        writableTasks.add(task);
        return;
      }
    }
    task.run();
  }

  /** True when a poll would get something: frames, or the end of the session. */
  boolean hasSomething() {
    synchronized (lock) {
      return !queue.isEmpty() || state == CLOSING;
    }
  }

  /** True once a poll took the session's last frames. */
  boolean isDrained() {
    synchronized (lock) {
      return state == DRAINED;
    }
  }

  /**
   * Everything queued; after a close, the last frame too, and the queue is then drained. Pushes
   * count as written now: the poll's response is written right after.
   */
  Batch take() {
    List<EncodedFrame> frames;
    boolean last;
    List<Runnable> ready = List.of();
    long now = System.nanoTime();
    synchronized (lock) {
      frames = new ArrayList<>(queue);
      for (int i = 0; i < frames.size(); i++) {
        events.written(frames.get(i), now);
      }
      queue.clear();
      queuedBytes = 0;
      last = state == CLOSING;
      if (last) {
        state = DRAINED;
        if (lastFrame != null) {
          frames.add(EncodedFrame.of(lastFrame));
        }
      } else if (writableTasks != null) {
        ready = List.copyOf(writableTasks);
        writableTasks = null;
      }
    }
    for (Runnable task : ready) {
      execute(task);
    }
    return new Batch(frames, last);
  }

  /** Bytes waiting for a poll; any thread. */
  long bufferedBytes() {
    synchronized (lock) {
      return queuedBytes;
    }
  }

  /** Ends the session whose client stopped polling within the heartbeat miss window. */
  void expired() {
    events.heartbeatTimeout();
    drainNow();
  }

  /** Ends the session without a last poll (it expired, or the server stops). */
  void drainNow() {
    synchronized (lock) {
      boolean wasOpen = state == OPEN;
      state = DRAINED;
      queue.clear();
      queuedBytes = 0;
      writableTasks = null;
      if (!wasOpen) {
        return;
      }
    }
    onClose.run();
  }

  Welcome welcome() {
    return welcome;
  }

  private void wake() {
    synchronized (lock) {
      if (wakePending) {
        return;
      }
      wakePending = true;
    }
    execute(
        () -> {
          synchronized (lock) {
            wakePending = false;
          }
          onReady.run();
        });
  }

  private void execute(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // the server is stopping and ends every session itself
    }
  }
}

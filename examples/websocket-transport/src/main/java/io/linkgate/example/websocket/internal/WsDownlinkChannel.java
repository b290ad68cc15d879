package io.linkgate.example.websocket.internal;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.transport.DownlinkChannel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import org.eclipse.jetty.util.Callback;

/**
 * The push side of one downlink: each frame one binary message, written from the bytes the router
 * encoded once for every connection it goes to.
 *
 * <p>The bound is ours to keep: Jetty queues whatever it is given. Bytes handed to Jetty and not
 * yet written to the socket may not pass the outbound bound; the send that would pass it is refused
 * and the client gets {@code Error SLOW_CONSUMER} after what it was already sent, then the close.
 * It reconnects and resumes from its last seq. Sends and the close are ordered under this object's
 * lock, so nothing follows the last frame.
 */
final class WsDownlinkChannel implements DownlinkChannel {
  private final ServerConnection connection;
  private final long limitBytes;
  private final long lowWaterBytes;
  private final Executor executor;
  private long queuedBytes; // guarded by this
  private boolean closing; // guarded by this
  private ArrayDeque<Runnable> writableTasks; // guarded by this; made on first need

  WsDownlinkChannel(ServerConnection connection, int limitBytes, Executor executor) {
    this.connection = connection;
    this.limitBytes = limitBytes;
    this.lowWaterBytes = limitBytes / 4;
    this.executor = executor;
  }

  @Override
  public boolean send(EncodedFrame frame) {
    int size = frame.size(); // encodes here, on the caller's thread, if no one did yet
    synchronized (this) {
      if (closing) {
        return false;
      }
      if (queuedBytes + size <= limitBytes) {
        queuedBytes += size;
        connection.write(WsProtocol.message(frame), Callback.from(() -> written(size), t -> written(size)));
        return true;
      }
    }
    close(
        Frames.error(
            ErrorCode.SLOW_CONSUMER,
            "outbound queue over " + limitBytes + " bytes; reconnect and resume"));
    return false;
  }

  @Override
  public void close(Frame lastFrame) {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
      writableTasks = null;
      if (!connection.markClosing()) {
        return; // the connection is already on its way out
      }
      if (lastFrame != null) {
        connection.write(WsProtocol.message(lastFrame), Callback.NOOP);
      }
    }
    connection.closeSocket(lastFrame);
  }

  @Override
  public boolean isOpen() {
    synchronized (this) {
      if (closing) {
        return false;
      }
    }
    return connection.isOutputOpen();
  }

  /**
   * Runs {@code task} once what is queued has drained below a quarter of the bound, so the core's
   * paced replay of a long backlog never nears it; at once if it is below now.
   */
  @Override
  public void whenWritable(Runnable task) {
    synchronized (this) {
      if (closing) {
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

  /** The connection is gone: refuse everything from now on. */
  void onGone() {
    synchronized (this) {
      closing = true;
      writableTasks = null;
    }
  }

  private void written(int size) {
    List<Runnable> ready = null;
    synchronized (this) {
      queuedBytes -= size;
      if (writableTasks != null && !writableTasks.isEmpty() && queuedBytes <= lowWaterBytes) {
        ready = List.copyOf(writableTasks);
        writableTasks.clear();
      }
    }
    if (ready != null) {
      // Not here: a write completion may run inside another thread's send.
      ready.forEach(executor::execute);
    }
  }
}

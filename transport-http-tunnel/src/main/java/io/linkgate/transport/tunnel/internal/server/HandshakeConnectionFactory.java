package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.transport.PendingHandshakes;
import io.linkgate.api.transport.TransportError;
import io.linkgate.api.transport.TransportEvents;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * HTTP/1.1 with the tunnel's handshake deadline: a new connection must have sent the whole head of
 * its first request (the tunnel's Hello) within the handshake timeout of being opened. One that has
 * not is told so with {@code 408} and an {@code Error TIMEOUT} frame, then closed, as a TCP
 * connection without a Hello is.
 *
 * <p>The deadline is fixed: bytes trickling in do not move it. (An idle timeout would restart with
 * each one, and a head of 8 KiB sent a byte every few seconds would hold the connection for hours.)
 * Later requests on a kept-alive connection are timed by the connector's idle timeout.
 *
 * <p>Until its first head is through, a connection counts among its address's {@link
 * PendingHandshakes}; one over the bound is closed as it opens, before anything is read.
 */
final class HandshakeConnectionFactory extends HttpConnectionFactory {
  /**
   * How long a refused connection is still read, and its bytes dropped, before it is closed: a
   * close with unread bytes resets the connection, and the client may lose the 408 with it.
   */
  private static final long LINGER_MS = 2_000;

  private static final int DISCARD_BUFFER_BYTES = 1024;

  private final long handshakeTimeoutMs;
  private final PendingHandshakes pendingHandshakes;
  private final byte[] timeoutResponse;
  private final java.util.function.BooleanSupplier refusing;
  private final TransportEvents events;

  /**
   * @param refusing true once the transport stopped accepting: a connection the listener still let
   *     in (a socket registered with a selector closes only at its next select) is closed at once
   */
  HandshakeConnectionFactory(
      HttpConfiguration configuration,
      long handshakeTimeoutMs,
      PendingHandshakes pendingHandshakes,
      java.util.function.BooleanSupplier refusing,
      TransportEvents events) {
    super(configuration);
    this.events = events;
    this.handshakeTimeoutMs = handshakeTimeoutMs;
    this.pendingHandshakes = pendingHandshakes;
    this.refusing = refusing;
    this.timeoutResponse = timeoutResponse(handshakeTimeoutMs);
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    HandshakeHttpConnection connection =
        new HandshakeHttpConnection(getHttpConfiguration(), connector, endPoint);
    return configure(connection, connector, endPoint);
  }

  /**
   * True if {@code request} came on a connection already refused for missing the deadline (its head
   * completed just as the 408 went out): it must not be answered, the connection is closing.
   */
  static boolean cameTooLate(Request request) {
    return request.getConnectionMetaData().getConnection() instanceof HandshakeHttpConnection c
        && c.timedOut();
  }

  private static byte[] timeoutResponse(long timeoutMs) {
    byte[] body =
        FrameCodec.encode(
            Frames.error(ErrorCode.TIMEOUT, "no complete request within " + timeoutMs + " ms"));
    byte[] head =
        ("HTTP/1.1 408 Request Timeout\r\n"
                + "Content-Type: "
                + TunnelProtocol.CONTENT_TYPE
                + "\r\n"
                + TunnelProtocol.ERROR_HEADER
                + ": "
                + ErrorCode.TIMEOUT.name()
                + "\r\nContent-Length: "
                + body.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  private final class HandshakeHttpConnection extends HttpConnection {
    private static final int WAITING = 0;
    private static final int HEAD_DONE = 1;
    private static final int TIMED_OUT = 2;

    private final AtomicInteger state = new AtomicInteger(WAITING);
    private volatile Scheduler.Task deadline;
    private volatile PendingHandshakes.Slot slot;

    HandshakeHttpConnection(HttpConfiguration configuration, Connector connector, EndPoint ep) {
      super(configuration, connector, ep);
    }

    @Override
    protected RequestHandler newRequestHandler() {
      return new HeadWatch();
    }

    @Override
    public void onOpen() {
      if (refusing.getAsBoolean()) {
        super.onOpen();
        getEndPoint().close();
        return;
      }
      PendingHandshakes.Slot taken = pendingHandshakes.tryAcquire(getEndPoint().getRemoteSocketAddress());
      if (taken == null) {
        super.onOpen();
        getEndPoint().close(); // its address holds the most connections still in their handshake
        return;
      }
      slot = taken;
      deadline =
          getConnector()
              .getScheduler()
              .schedule(this::deadlinePassed, handshakeTimeoutMs, TimeUnit.MILLISECONDS);
      super.onOpen();
    }

    @Override
    public void onClose(Throwable cause) {
      stopDeadline();
      super.onClose(cause);
    }

    @Override
    public void onFillable() {
      if (state.get() == TIMED_OUT) {
        discardInput(); // whatever the client still sends is not parsed: its answer is out
        return;
      }
      super.onFillable();
    }

    boolean timedOut() {
      return state.get() == TIMED_OUT;
    }

    /** The first head is complete (or Jetty refused it itself): the deadline is met. */
    private void headDone() {
      if (state.compareAndSet(WAITING, HEAD_DONE)) {
        stopDeadline();
      }
    }

    private void stopDeadline() {
      Scheduler.Task t = deadline;
      if (t != null) {
        t.cancel();
      }
      PendingHandshakes.Slot s = slot;
      if (s != null) {
        s.release();
      }
    }

    private void deadlinePassed() {
      EndPoint endPoint = getEndPoint();
      if (endPoint.getConnection() != this || !state.compareAndSet(WAITING, TIMED_OUT)) {
        return; // upgraded (h2c), or the head arrived
      }
      events.error(TransportError.HANDSHAKE_TIMEOUT);
      // No request is being handled, so the unsolicited 408 cannot interleave with a response
      // (RFC 9110 allows it on a connection without one). Then a lingering close: FIN, read and
      // drop until the client closes, or until the linger time is up.
      getConnector()
          .getScheduler()
          .schedule(() -> endPoint.close(), LINGER_MS, TimeUnit.MILLISECONDS);
      try {
        endPoint.write(
            Callback.from(endPoint::shutdownOutput, endPoint::close),
            ByteBuffer.wrap(timeoutResponse));
      } catch (RuntimeException e) {
        endPoint.close(); // Jetty is writing a refusal of its own: cut it short
      }
    }

    private void discardInput() {
      EndPoint endPoint = getEndPoint();
      ByteBuffer scratch = BufferUtil.allocate(DISCARD_BUFFER_BYTES);
      try {
        while (true) {
          int n = endPoint.fill(scratch);
          BufferUtil.clear(scratch);
          if (n < 0) {
            endPoint.close();
            return;
          }
          if (n == 0) {
            fillInterested();
            return;
          }
        }
      } catch (IOException e) {
        endPoint.close();
      }
    }

    /** Tells the connection when the head is through; parsing itself is Jetty's. */
    private final class HeadWatch extends RequestHandler {
      @Override
      public boolean headerComplete() {
        headDone();
        return super.headerComplete();
      }

      @Override
      public void badMessage(HttpException failure) {
        headDone(); // Jetty answers it, and a 408 must not cross that answer
        super.badMessage(failure);
      }

      @Override
      public void earlyEOF() {
        headDone(); // the client is gone
        super.earlyEOF();
      }
    }
  }
}

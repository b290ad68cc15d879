package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;

/**
 * HTTP/1.1 with the tunnel's handshake deadline: a new connection must send its first request
 * within the handshake timeout (the request head is the tunnel's Hello). One that does not is told
 * so with {@code 408} and an {@code Error TIMEOUT} frame, then closed, as a TCP connection without
 * a Hello is. Once a request arrived, the connection's idle timeout is the connector's.
 */
final class HandshakeConnectionFactory extends HttpConnectionFactory {
  private final long handshakeTimeoutMs;
  private final byte[] timeoutResponse;

  HandshakeConnectionFactory(HttpConfiguration configuration, long handshakeTimeoutMs) {
    super(configuration);
    this.handshakeTimeoutMs = handshakeTimeoutMs;
    this.timeoutResponse = timeoutResponse(handshakeTimeoutMs);
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    HandshakeHttpConnection connection =
        new HandshakeHttpConnection(getHttpConfiguration(), connector, endPoint);
    return configure(connection, connector, endPoint);
  }

  /** The connection's idle timeout goes back to the connector's once a request arrived. */
  static void requestArrived(Request request) {
    Connection connection = request.getConnectionMetaData().getConnection();
    long idle = request.getConnectionMetaData().getConnector().getIdleTimeout();
    EndPoint endPoint = connection.getEndPoint();
    if (endPoint.getIdleTimeout() != idle) {
      endPoint.setIdleTimeout(idle);
    }
  }

  private static byte[] timeoutResponse(long timeoutMs) {
    byte[] body =
        FrameCodec.encode(
            Frames.error(ErrorCode.TIMEOUT, "no request within " + timeoutMs + " ms"));
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
    HandshakeHttpConnection(HttpConfiguration configuration, Connector connector, EndPoint ep) {
      super(configuration, connector, ep);
    }

    @Override
    public void onOpen() {
      getEndPoint().setIdleTimeout(handshakeTimeoutMs);
      super.onOpen();
    }

    @Override
    public boolean onIdleExpired(TimeoutException timeout) {
      // Idle means no byte arrived for the whole timeout, so no request is being parsed: the
      // unsolicited 408 cannot interleave with a response (RFC 9110 allows it on idle connections).
      if (getMessagesIn() == 0 && getHttpChannel().getRequest() == null) {
        EndPoint endPoint = getEndPoint();
        endPoint.write(
            Callback.from(() -> endPoint.close(), endPoint::close),
            ByteBuffer.wrap(timeoutResponse));
        return false;
      }
      return super.onIdleExpired(timeout);
    }
  }
}

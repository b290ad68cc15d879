package io.linkgate.tck;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.FrameReader;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** Raw access to TCP: a blocking socket writing and reading varint-prefixed frames. */
final class SocketRawConnection implements RawConnection {
  /** Small, and set before connecting, so a client that stops reading pushes back quickly. */
  private static final int RECEIVE_BUFFER_BYTES = 16 * 1024;

  private static final int CONNECT_TIMEOUT_MS = 5_000;

  /** Accepts frames larger than the server's limit: the kit judges what the server sends. */
  private static final int MAX_FRAME_BYTES = 1 << 20;

  private final Socket socket;
  private final OutputStream out;
  private final FrameReader reader;

  private SocketRawConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.reader =
        new FrameReader(new BufferedInputStream(socket.getInputStream()), MAX_FRAME_BYTES);
  }

  static RawConnection connect(Endpoint endpoint) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
      socket.setTcpNoDelay(true);
      socket.connect(
          new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), CONNECT_TIMEOUT_MS);
      return new SocketRawConnection(socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  @Override
  public void send(Frame frame) throws IOException {
    out.write(FrameCodec.encode(frame));
    out.flush();
  }

  @Override
  public void sendOversizedFrame(int declaredBodyBytes) throws IOException {
    // The prefix and a few body bytes in one write: a server that waits for the rest before
    // judging the size never answers.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    writeVarint(bytes, declaredBodyBytes);
    bytes.write(new byte[16]);
    out.write(bytes.toByteArray());
    out.flush();
  }

  @Override
  public void sendGarbage() throws IOException {
    // A valid 3-byte length, then a body claiming a 127-byte Hello field that holds one byte.
    out.write(new byte[] {0x03, 0x0A, 0x7F, 0x00});
    out.flush();
  }

  @Override
  public void sendTrickled(Frame frame, Duration gap, Duration atMost) throws IOException {
    Trickle.write(out, socket.getInputStream(), FrameCodec.encode(frame), gap, atMost);
  }

  @Override
  public void pauseReading() {
    // Nothing to do: this socket is read only inside receive(), and its receive buffer is small.
  }

  @Override
  public Frame receive(Duration timeout) throws IOException, TimeoutException {
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    try {
      return reader.read();
    } catch (SocketTimeoutException e) {
      throw new TimeoutException("nothing from the server within " + timeout);
    } catch (SocketException e) {
      // A reset: the server closed with our bytes unread. Still a close.
      return null;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private static void writeVarint(ByteArrayOutputStream out, int value) {
    while ((value & ~0x7F) != 0) {
      out.write((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write(value);
  }
}

package io.linkgate.transport.grpc.internal;

import io.linkgate.api.proto.Error;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A slowloris gRPC client on a plain socket: the bytes a gRPC client sends to start a call and
 * hand it one message (the HTTP/2 preface, SETTINGS, the call's HEADERS, a DATA frame with the
 * message), written a byte at a time; then the server's answer read frame by frame. A GOAWAY whose
 * debug data is {@code <ErrorCode>: <message>} is returned as that {@code Error}, and the end of
 * the connection as null.
 */
final class Http2Trickle implements AutoCloseable {
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int DATA = 0x0;
  private static final int HEADERS = 0x1;
  private static final int SETTINGS = 0x4;
  private static final int GOAWAY = 0x7;
  private static final int END_HEADERS = 0x4;

  private final Socket socket;
  private DataInputStream in;
  private boolean ended;

  Http2Trickle(String host, int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), 5_000);
    in = new DataInputStream(socket.getInputStream());
  }

  /** Trickles the start of a call of {@code method} ("Downlink") carrying {@code message}. */
  void trickleCall(String method, byte[] message, Duration gap, Duration atMost) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(PREFACE);
    frame(bytes, SETTINGS, 0, 0, new byte[0]);
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    header(block, ":method", "POST");
    header(block, ":scheme", "http");
    header(block, ":path", "/linkgate.v1.Gateway/" + method);
    header(block, ":authority", socket.getInetAddress().getHostAddress() + ":" + socket.getPort());
    header(block, "content-type", "application/grpc");
    header(block, "te", "trailers");
    frame(bytes, HEADERS, END_HEADERS, 1, block.toByteArray());
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.write(0); // not compressed
    data.write(new byte[] {(byte) (message.length >>> 24), (byte) (message.length >>> 16),
        (byte) (message.length >>> 8), (byte) message.length});
    data.write(message);
    frame(bytes, DATA, 0, 1, data.toByteArray());
    trickle(bytes.toByteArray(), gap, atMost);
  }

  /**
   * Writes {@code bytes} one at a time, {@code gap} apart, for at most {@code atMost}. The server
   * speaks first in HTTP/2 (its SETTINGS), so what it sends is kept for {@link #receive}, and the
   * trickle stops only once that holds a GOAWAY, or a write fails on the closed connection.
   */
  private void trickle(byte[] bytes, Duration gap, Duration atMost) throws IOException {
    long deadline = System.nanoTime() + atMost.toNanos();
    ByteArrayOutputStream early = new ByteArrayOutputStream();
    InputStream socketIn = socket.getInputStream();
    try {
      for (byte b : bytes) {
        if (System.nanoTime() >= deadline) {
          break;
        }
        int available = socketIn.available();
        if (available > 0) {
          early.write(socketIn.readNBytes(available));
          if (holdsGoAway(early.toByteArray())) {
            break;
          }
        }
        socket.getOutputStream().write(b);
        socket.getOutputStream().flush();
        Thread.sleep(gap.toMillis());
      }
    } catch (IOException e) {
      // the server closed the connection: what the caller is waiting for
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    in =
        new DataInputStream(
            new SequenceInputStream(new ByteArrayInputStream(early.toByteArray()), socketIn));
  }

  /** Whether {@code received}, the server's bytes from the start, holds a whole GOAWAY frame. */
  private static boolean holdsGoAway(byte[] received) {
    int at = 0;
    while (at + 9 <= received.length) {
      int length =
          ((received[at] & 0xff) << 16) | ((received[at + 1] & 0xff) << 8) | (received[at + 2] & 0xff);
      if (received[at + 3] == GOAWAY && at + 9 + length <= received.length) {
        return true;
      }
      at += 9 + length;
    }
    return false;
  }

  /** The server's GOAWAY as an Error, or null once the connection ended. */
  Frame receive(Duration timeout) throws IOException, TimeoutException {
    if (ended) {
      return null;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        socket.setSoTimeout(left);
        int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        in.readUnsignedByte(); // flags
        in.readInt(); // stream id
        byte[] payload = in.readNBytes(length);
        if (payload.length < length) {
          throw new EOFException();
        }
        if (type == GOAWAY && length >= 8) {
          return Frame.newBuilder().setError(goAwayError(payload)).build();
        }
        // SETTINGS, its ACK, WINDOW_UPDATE, PING: the server's side of the connection's setup
      }
    } catch (SocketTimeoutException e) {
      throw new TimeoutException("nothing from the server within " + timeout);
    } catch (EOFException | SocketException e) {
      ended = true;
      return null;
    }
  }

  /** The Error a GOAWAY's debug data names: {@code CODE: message}. */
  private static Error goAwayError(byte[] payload) {
    String debug = new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8);
    int colon = debug.indexOf(": ");
    ErrorCode code = ErrorCode.ERROR_CODE_UNSPECIFIED;
    if (colon > 0) {
      try {
        code = ErrorCode.valueOf(debug.substring(0, colon));
      } catch (IllegalArgumentException e) {
        // not one of ours: unspecified
      }
    }
    return Error.newBuilder().setCode(code).setMessage(debug).build();
  }

  private static void frame(ByteArrayOutputStream out, int type, int flags, int stream, byte[] payload) {
    out.write(payload.length >>> 16);
    out.write(payload.length >>> 8);
    out.write(payload.length);
    out.write(type);
    out.write(flags);
    out.write(stream >>> 24);
    out.write(stream >>> 16);
    out.write(stream >>> 8);
    out.write(stream);
    out.writeBytes(payload);
  }

  /** An HPACK literal without indexing, new name, no Huffman; names and values under 127 bytes. */
  private static void header(ByteArrayOutputStream out, String name, String value) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    byte[] v = value.getBytes(StandardCharsets.US_ASCII);
    out.write(0);
    out.write(n.length);
    out.writeBytes(n);
    out.write(v.length);
    out.writeBytes(v);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing: nothing to do
    }
  }
}

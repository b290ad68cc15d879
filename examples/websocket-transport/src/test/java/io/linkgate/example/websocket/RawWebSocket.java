package io.linkgate.example.websocket;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import io.linkgate.tck.RawConnection;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * A WebSocket client written from RFC 6455 on a plain socket, sharing no code with the transport:
 * what a browser puts on the wire, plus what no browser would (a frame header declaring more than
 * it sends, garbage). Its receive buffer is small and it reads only inside {@link #receive}, so a
 * paused reader really stops taking bytes.
 *
 * <p>As the kit's contract has it for refusals made out of band, a close with 1009 (a frame refused
 * from its header by Jetty's parser, before any Error could be written) is returned as {@code
 * Error FRAME_TOO_LARGE}, then the close.
 */
final class RawWebSocket implements RawConnection {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int OP_CONTINUATION = 0x0;
  private static final int OP_TEXT = 0x1;
  private static final int OP_BINARY = 0x2;
  private static final int OP_CLOSE = 0x8;
  private static final int OP_PING = 0x9;

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  /** WebSocket's own "message too big": the parser refused a frame from its header. */
  private static final int MESSAGE_TOO_BIG = 1009;

  private final String responseHead;
  private boolean closed;
  private boolean lastWasError;
  private int closeCode = -1;

  private RawWebSocket(Socket socket, DataInputStream in, String responseHead) throws IOException {
    this.socket = socket;
    this.in = in;
    this.responseHead = responseHead;
    this.out = socket.getOutputStream();
  }

  static RawWebSocket connect(Endpoint endpoint) throws IOException {
    return connect(endpoint, Map.of());
  }

  /**
   * Opens the socket and completes the upgrade.
   *
   * @throws UpgradeRefused when the server answers the upgrade with another status than 101
   */
  static RawWebSocket connect(Endpoint endpoint, Map<String, String> headers) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096); // before connecting, so the window is small from the start
    socket.setSoTimeout(10_000);
    socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 5_000);
    String path = endpoint.getRole() == Role.DOWNLINK ? "/v1/ws/downlink" : "/v1/ws/uplink";
    byte[] key = new byte[16];
    RANDOM.nextBytes(key);
    StringBuilder request =
        new StringBuilder()
            .append("GET ").append(path).append(" HTTP/1.1\r\n")
            .append("Host: ").append(endpoint.getHost()).append(':').append(endpoint.getPort()).append("\r\n")
            .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
            .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(key)).append("\r\n")
            .append("Sec-WebSocket-Version: 13\r\n");
    headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
    request.append("\r\n");
    socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
    DataInputStream in = new DataInputStream(socket.getInputStream());
    String head = readHead(in);
    String statusLine = head.substring(0, head.indexOf('\r'));
    if (!statusLine.contains(" 101 ")) {
      socket.close();
      throw new UpgradeRefused(Integer.parseInt(statusLine.split(" ")[1]), statusLine);
    }
    return new RawWebSocket(socket, in, head);
  }

  /** The server did not upgrade. */
  static final class UpgradeRefused extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;

    UpgradeRefused(int status, String statusLine) {
      super("upgrade refused: " + statusLine);
      this.status = status;
    }
  }

  @Override
  public void send(Frame frame) throws IOException {
    writeFrame(0x80 | OP_BINARY, frame.toByteArray());
  }

  /** A header declaring {@code declaredBodyBytes}, then only a few of them. */
  @Override
  public void sendOversizedFrame(int declaredBodyBytes) throws IOException {
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x80 | OP_BINARY);
    frame.write(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      frame.write((int) ((long) declaredBodyBytes >>> shift) & 0xff);
    }
    frame.write(mask);
    for (int i = 0; i < 16; i++) {
      frame.write('x' ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /** A binary message whose body claims a 127-byte Hello field that holds one byte. */
  @Override
  public void sendGarbage() throws IOException {
    writeFrame(0x80 | OP_BINARY, new byte[] {0x0A, 0x7F, 0x00});
  }

  @Override
  public void pauseReading() {
    // Nothing to do: this socket is read only inside receive(), and its receive buffer is small.
  }

  @Override
  public Frame receive(Duration timeout) throws IOException, TimeoutException {
    if (closed) {
      return null;
    }
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    try {
      while (true) {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7f;
        if (length == 126) {
          length = in.readUnsignedShort();
        } else if (length == 127) {
          length = in.readLong();
        }
        if ((b1 & 0x80) != 0) {
          throw new IOException("the server masked a frame");
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        int op = b0 & 0x0f;
        if (op == OP_CLOSE) {
          closeCode = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
          close();
          return closeCode == MESSAGE_TOO_BIG && !lastWasError
              ? Frames.error(ErrorCode.FRAME_TOO_LARGE, "close " + closeCode)
              : null;
        }
        if (op == OP_PING) {
          writeFrame(0x80 | 0xA, payload);
          continue;
        }
        if (op != OP_BINARY && op != OP_CONTINUATION) {
          continue; // a pong, or text the server never sends
        }
        message.write(payload);
        if ((b0 & 0x80) != 0) {
          byte[] body = message.toByteArray();
          Frame frame = FrameCodec.parseBody(body, 0, body.length);
          lastWasError = frame.hasError();
          return frame;
        }
      }
    } catch (SocketTimeoutException e) {
      throw new TimeoutException("nothing within " + timeout);
    } catch (EOFException | SocketException e) {
      close(); // an orderly end or a reset: either way the server closed
      return null;
    }
  }

  /** The head of the server's 101 response, status line and headers. */
  String responseHead() {
    return responseHead;
  }

  /** Sends {@code text} as a text message, which no Linkgate peer sends. */
  void sendText(String text) throws IOException {
    writeFrame(0x80 | OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends one binary message split into frames of at most {@code fragmentBytes}. */
  void sendFragmented(byte[] message, int fragmentBytes) throws IOException {
    for (int start = 0; start < message.length; start += fragmentBytes) {
      int end = Math.min(message.length, start + fragmentBytes);
      int op = start == 0 ? OP_BINARY : OP_CONTINUATION;
      byte[] part = Arrays.copyOfRange(message, start, end);
      writeFrame((end == message.length ? 0x80 : 0) | op, part);
    }
  }

  /** The code of the server's close frame, or -1 if none arrived. */
  int closeCode() {
    return closeCode;
  }

  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }

  /** @param firstByte FIN and the op code */
  private void writeFrame(int firstByte, byte[] payload) throws IOException {
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write(firstByte);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65_536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >>> shift) & 0xff);
      }
    }
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (head.length() < 8192) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed during the upgrade; got: " + head);
      }
      head.append((char) b);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        return head.toString();
      }
    }
    throw new IOException("upgrade response head too long");
  }
}

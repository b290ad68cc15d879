package io.linkgate.transport.tunnel;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.FrameReader;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.tck.RawConnection;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The kit's raw connection, as HTTP/1.1 written by hand on a plain socket.
 *
 * <p>The kit's first frame is a Hello; it becomes the request that opens the role: {@code GET
 * /v1/tunnel/downlink} (the stream, read by later {@link #receive} calls) or the empty uplink POST.
 * After that, a frame on an uplink is a POST on the same kept-alive connection, a frame on a
 * downlink a POST for its session on a second connection (its answer also comes down the stream, so
 * the POST's own is read and dropped). Without a Hello there is no token: a frame goes out as a
 * POST without credentials, garbage as the request line, and an oversized frame as an oversized
 * request head. An error status is returned as the Error frame of its body; "closed" means the
 * connection ended (uplink) or the downlink response ended (downlink). The server's Pings on a
 * stream are its keep-alive filler and are skipped, as the tunnel's client skips them.
 */
final class RawHttpConnection implements RawConnection {
  /** Small, and set before connecting, so a client that stops reading pushes back quickly. */
  private static final int RECEIVE_BUFFER_BYTES = 16 * 1024;

  /** Accepts frames larger than the server's limit: the kit judges what the server sends. */
  private static final int MAX_FRAME_BYTES = 1 << 20;

  /** Past the server's request head limit, whatever the frame declared. */
  private static final int OVERSIZED_HEAD_BYTES = 32 * 1024;

  private static final byte[] GARBAGE = {0x03, 0x0A, 0x7F, 0x00};

  private final Endpoint endpoint;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final ArrayDeque<Frame> pending = new ArrayDeque<>();
  private Hello hello;
  private String sessionId = "";
  private FrameReader stream;

  private RawHttpConnection(Endpoint endpoint, Socket socket) throws IOException {
    this.endpoint = endpoint;
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  static RawConnection connect(Endpoint endpoint) throws IOException {
    return new RawHttpConnection(endpoint, open(endpoint));
  }

  private static Socket open(Endpoint endpoint) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 5_000);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  private boolean downlink() {
    return endpoint.getRole() == Role.DOWNLINK;
  }

  private String path() {
    return downlink() ? TunnelProtocol.DOWNLINK_PATH : TunnelProtocol.UPLINK_PATH;
  }

  @Override
  public void send(Frame frame) throws IOException {
    if (hello == null && frame.hasHello()) {
      hello = frame.getHello();
      if (downlink()) {
        HttpWire.request(out, "GET", target(true), auth(), null);
      } else {
        HttpWire.request(out, "POST", target(false), framesAuth(), new byte[0]);
      }
    } else {
      post(FrameCodec.encode(frame), false);
    }
  }

  /** The Hello's request head (the tunnel's handshake) written a byte at a time. */
  @Override
  public void sendTrickled(Frame frame, Duration gap, Duration atMost) throws IOException {
    if (hello != null || !frame.hasHello()) {
      throw new UnsupportedOperationException("only the Hello, as the request head, is trickled");
    }
    hello = frame.getHello();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    if (downlink()) {
      HttpWire.request(head, "GET", target(true), auth(), null);
    } else {
      HttpWire.request(head, "POST", target(false), framesAuth(), new byte[0]);
    }
    io.linkgate.tck.Trickle.write(out, in, head.toByteArray(), gap, atMost);
  }

  @Override
  public void sendOversizedFrame(int declaredBodyBytes) throws IOException {
    if (hello == null) {
      // Where the Hello should be, the request head: one far over the server's limit.
      out.write(
          ("GET " + path() + "?device_id=raw HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Oversized: ")
              .getBytes(StandardCharsets.ISO_8859_1));
      byte[] filler = new byte[Math.min(declaredBodyBytes, OVERSIZED_HEAD_BYTES)];
      Arrays.fill(filler, (byte) 'a');
      out.write(filler);
      out.flush();
      return;
    }
    // The length prefix and a few body bytes, in a chunked body that never ends: a server that
    // waits for the rest before judging the size never answers.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    writeVarint(bytes, declaredBodyBytes);
    bytes.write(new byte[16]);
    post(bytes.toByteArray(), true);
  }

  @Override
  public void sendGarbage() throws IOException {
    if (hello == null) {
      out.write(GARBAGE); // as the request line
      out.write("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return;
    }
    // A valid 3-byte length, then a body claiming a 127-byte field that holds one byte.
    post(GARBAGE, false);
  }

  @Override
  public void pauseReading() {
    // Nothing to do: this socket is read only inside receive(), and its receive buffer is small.
  }

  @Override
  public Frame receive(Duration timeout) throws IOException, TimeoutException {
    if (!pending.isEmpty()) {
      return pending.poll();
    }
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    try {
      while (true) {
        if (stream != null) {
          Frame f = stream.read();
          if (f == null || !f.hasPing()) {
            return f; // null: the response, and so the downlink, ended
          }
          continue;
        }
        HttpWire.Head head = HttpWire.readHead(in);
        if (head == null) {
          return null;
        }
        InputStream body = HttpWire.body(in, head);
        if (downlink() && hello != null && head.status() == 200) {
          stream = new FrameReader(body, MAX_FRAME_BYTES);
          Frame welcome = stream.read();
          if (welcome != null && welcome.hasWelcome()) {
            sessionId = welcome.getWelcome().getSessionId();
          }
          return welcome;
        }
        FrameReader reader = new FrameReader(body, MAX_FRAME_BYTES);
        for (Frame f = reader.read(); f != null; f = reader.read()) {
          pending.add(f);
        }
        if (!pending.isEmpty()) {
          return pending.poll();
        }
      }
    } catch (SocketTimeoutException e) {
      throw new TimeoutException("nothing from the server within " + timeout);
    } catch (SocketException | EOFException e) {
      return null; // a reset or a cut: the server closed the connection
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

  /**
   * Posts {@code body}: on the uplink over this connection (its answer is read by {@link
   * #receive}), on the downlink for its session over a second connection whose answer is dropped
   * (the downlink carries it too). Without a Hello there are no credentials to send.
   */
  private void post(byte[] body, boolean unterminatedChunked) throws IOException {
    Map<String, String> headers = hello == null ? framesType() : framesAuth();
    if (downlink() && hello != null) {
      try (Socket side = open(endpoint)) {
        write(side.getOutputStream(), headers, body, unterminatedChunked);
        side.setSoTimeout(5_000);
        InputStream sideIn = new BufferedInputStream(side.getInputStream());
        HttpWire.Head head = HttpWire.readHead(sideIn);
        if (head != null) {
          HttpWire.readBody(sideIn, head);
        }
      }
      return;
    }
    write(out, headers, body, unterminatedChunked);
  }

  private void write(
      OutputStream to, Map<String, String> headers, byte[] body, boolean unterminatedChunked)
      throws IOException {
    if (!unterminatedChunked) {
      HttpWire.request(to, "POST", target(false), headers, body);
      return;
    }
    Map<String, String> chunked = new LinkedHashMap<>(headers);
    chunked.put("Transfer-Encoding", "chunked");
    to.write(HttpWire.head("POST", target(false), chunked));
    to.write((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    to.write(body);
    to.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    to.flush();
  }

  private String target(boolean open) {
    if (hello == null) {
      return path() + "?device_id=raw";
    }
    StringBuilder t =
        new StringBuilder(path()).append("?device_id=").append(enc(hello.getDeviceId()));
    if (downlink() && open) {
      t.append("&heartbeat_ms=").append(hello.getHeartbeatMs());
      t.append("&resume_from_seq=").append(hello.getResumeFromSeq());
    } else if (downlink()) {
      t.append("&session_id=").append(enc(sessionId));
    }
    return t.toString();
  }

  private Map<String, String> auth() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Authorization", "Bearer " + hello.getToken());
    return h;
  }

  private Map<String, String> framesAuth() {
    Map<String, String> h = auth();
    h.putAll(framesType());
    return h;
  }

  private static Map<String, String> framesType() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", TunnelProtocol.CONTENT_TYPE);
    return h;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void writeVarint(ByteArrayOutputStream out, int value) {
    while ((value & ~0x7F) != 0) {
      out.write((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write(value);
  }
}

package io.linkgate.transport.tcp.internal;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.FrameReader;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/** A plain blocking socket client speaking frames, for driving the server exactly. */
final class RawClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final FrameReader reader;

  private RawClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.reader = new FrameReader(in, 1 << 20);
  }

  static RawClient connect(int port) throws IOException {
    return connect(port, 0);
  }

  /**
   * With {@code receiveBuffer} > 0, a small kernel receive buffer (for clients that do not read).
   */
  static RawClient connect(int port, int receiveBuffer) throws IOException {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(10_000);
    return new RawClient(socket);
  }

  static Hello hello(Role role, int heartbeatMs) {
    return Hello.newBuilder()
        .setToken("good")
        .setDeviceId("phone")
        .setRole(role)
        .setHeartbeatMs(heartbeatMs)
        .build();
  }

  static Frame helloFrame(Role role, int heartbeatMs) {
    return Frame.newBuilder().setHello(hello(role, heartbeatMs)).build();
  }

  void send(Frame frame) throws IOException {
    sendRaw(FrameCodec.encode(frame));
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next frame; fails on a timeout or an end of stream. */
  Frame read() throws IOException {
    Frame frame = reader.read();
    if (frame == null) {
      throw new IOException("end of stream");
    }
    return frame;
  }

  /** The next raw byte, -1 at the end of the stream. */
  int readByte() throws IOException {
    return in.read();
  }

  /** Every frame up to the end of the stream (a reset after our last frame counts as the end). */
  List<Frame> readToEnd() throws IOException {
    List<Frame> frames = new ArrayList<>();
    try {
      Frame frame;
      while ((frame = reader.read()) != null) {
        frames.add(frame);
      }
    } catch (SocketException e) {
      // connection reset after the data: the end, too
    }
    return frames;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}

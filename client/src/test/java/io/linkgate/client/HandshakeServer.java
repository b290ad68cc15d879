package io.linkgate.client;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Welcome;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bare TCP gateway on loopback that speaks just the handshake: it reads the Hello, waits {@code
 * welcomeDelayMs} (forever if negative: it accepts and stays silent), answers a Welcome naming
 * {@code nodeId}, then reads until the client closes, which it counts.
 */
final class HandshakeServer implements AutoCloseable {
  private final ServerSocket socket;
  private final String nodeId;
  private final long welcomeDelayMs;
  final AtomicInteger accepted = new AtomicInteger();
  final AtomicInteger welcomed = new AtomicInteger();
  final AtomicInteger closedByClient = new AtomicInteger();
  private final List<Socket> connections = new CopyOnWriteArrayList<>();

  private HandshakeServer(String nodeId, long welcomeDelayMs) throws IOException {
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.nodeId = nodeId;
    this.welcomeDelayMs = welcomeDelayMs;
    Thread t = new Thread(this::acceptLoop, "handshake-server-" + nodeId);
    t.setDaemon(true);
    t.start();
  }

  /** Welcomes after {@code welcomeDelayMs}. */
  static HandshakeServer welcoming(String nodeId, long welcomeDelayMs) throws IOException {
    return new HandshakeServer(nodeId, welcomeDelayMs);
  }

  /** Accepts TCP and never answers the Hello. */
  static HandshakeServer silent() throws IOException {
    return new HandshakeServer("silent", -1);
  }

  Endpoint endpoint(Role role) {
    return Endpoints.of("tcp", role, "127.0.0.1", socket.getLocalPort());
  }

  /** Connections welcomed and not (yet) closed by the client. */
  int open() {
    return welcomed.get() - closedByClient.get();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        accepted.incrementAndGet();
        connections.add(s);
        Thread t = new Thread(() -> serve(s), "handshake-conn-" + nodeId);
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    boolean welcome = false;
    try (s) {
      InputStream in = s.getInputStream();
      Frame hello = Frame.parseDelimitedFrom(in);
      if (hello == null || welcomeDelayMs < 0) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
        return;
      }
      Thread.sleep(welcomeDelayMs);
      Frame.newBuilder().setWelcome(Welcome.newBuilder()
              .setSessionId(nodeId + "-" + accepted.get())
              .setNodeId(nodeId)
              .setUserId("u")
              .setHeartbeatMs(hello.getHello().getHeartbeatMs())
              .setResumed(true))
          .build()
          .writeDelimitedTo(s.getOutputStream());
      welcomed.incrementAndGet();
      welcome = true;
      in.transferTo(java.io.OutputStream.nullOutputStream()); // pings and acks; returns at the client's close
      closedByClient.incrementAndGet();
    } catch (IOException e) {
      if (welcome) {
        closedByClient.incrementAndGet(); // a reset is a close too
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : connections) {
      s.close();
    }
  }
}

package io.linkgate.transport.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder that, when told to, cuts the next kept-alive connection a request arrives on: the
 * request's bytes are dropped and both sides closed, as when a server's idle timeout closes a
 * connection just as its client sends on it. Connections opened after the cut pass untouched. It
 * can also send new connections to another port, as a balancer without stickiness does.
 */
final class CuttingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private volatile int upstreamPort;
  private final AtomicBoolean armed = new AtomicBoolean();
  private final AtomicInteger cuts = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  CuttingProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "cutting-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Connections opened from now on go to {@code port}; those open stay where they are. */
  void routeNewConnectionsTo(int port) {
    upstreamPort = port;
  }

  /** The next request on a connection opened before now is cut. */
  void cutNextRequest() {
    armed.set(true);
  }

  int cuts() {
    return cuts.get();
  }

  int connections() {
    return connections.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        connections.incrementAndGet();
        open.add(client);
        open.add(server);
        // Only connections that were open when the cut was asked for are cut.
        AtomicBoolean cuttable = new AtomicBoolean(!armed.get());
        pump(client, server, cuttable, "cutting-proxy-up");
        pump(server, client, null, "cutting-proxy-down");
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(Socket from, Socket to, AtomicBoolean cuttable, String name) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[8192];
              try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  if (cuttable != null && cuttable.get() && armed.compareAndSet(true, false)) {
                    cuts.incrementAndGet();
                    from.close();
                    to.close();
                    return;
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // either side went away
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            name);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : open) {
      closeQuietly(s);
    }
  }
}

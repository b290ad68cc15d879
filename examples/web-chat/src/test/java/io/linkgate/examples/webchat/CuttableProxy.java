package io.linkgate.examples.webchat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay in front of a port that a test can cut: every open connection is closed at once and
 * new ones are closed as soon as they arrive, until {@link #restore()}. From the browser it looks
 * like a network that dropped and then came back, with nothing told to either side. It can also
 * hold back what the server sends, as a slow or buffering network in between does.
 */
final class CuttableProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean refusing;
  private volatile long downstreamDelayMs;

  CuttableProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "proxy-accept-" + port());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Closes every relayed connection and refuses new ones. */
  void cut() {
    refusing = true;
    for (Socket s : open) {
      closeQuietly(s);
    }
  }

  void restore() {
    refusing = false;
  }

  /** Holds every chunk the server sends this long before passing it on; 0 to stop. */
  void delayDownstream(long millis) {
    downstreamDelayMs = millis;
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        if (refusing) {
          closeQuietly(client);
          continue;
        }
        Socket server;
        try {
          server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        } catch (IOException e) {
          closeQuietly(client); // the target is down: so is the relay
          continue;
        }
        open.add(client);
        open.add(server);
        relay(client, server, false);
        relay(server, client, true);
      } catch (IOException e) {
        // the listener closed
      }
    }
  }

  private void relay(Socket from, Socket to, boolean downstream) {
    Thread t =
        new Thread(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                byte[] buf = new byte[16 * 1024];
                for (int n; (n = in.read(buf)) >= 0; ) {
                  long delay = downstream ? downstreamDelayMs : 0;
                  if (delay > 0) {
                    Thread.sleep(delay);
                  }
                  out.write(buf, 0, n);
                }
              } catch (IOException | InterruptedException e) {
                // cut, or closed by one side
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "proxy-relay");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    cut();
    closeQuietly(listener);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing anyway
    }
  }
}

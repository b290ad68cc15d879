package io.linkgate.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A loopback TCP proxy that behaves like a NAT with an idle timeout: it forwards bytes both ways
 * and forgets a connection that carried nothing for longer than the timeout. A forgotten connection
 * goes silent, the way a carrier's middlebox drops a flow it no longer knows: nothing more is
 * forwarded either way and neither side is told. The sockets are closed only when one side closes.
 * Records, per connection, how long the client side was quiet before each chunk it sent.
 */
final class IdleKillingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final long idleTimeoutNanos;
  private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor();
  final List<Flow> flows = new CopyOnWriteArrayList<>();

  private IdleKillingProxy(InetSocketAddress target, Duration idleTimeout) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.target = target;
    this.idleTimeoutNanos = idleTimeout.toNanos();
    daemon("proxy-accept", this::acceptLoop);
    reaper.scheduleAtFixedRate(this::reap, 20, 20, TimeUnit.MILLISECONDS);
  }

  static IdleKillingProxy start(String host, int port, Duration idleTimeout) throws IOException {
    return new IdleKillingProxy(new InetSocketAddress(host, port), idleTimeout);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Flows forgotten for being idle so far. */
  long killed() {
    return flows.stream().filter(f -> f.forgotten).count();
  }

  @Override
  public void close() throws IOException {
    reaper.shutdownNow();
    server.close();
    for (Flow f : flows) {
      f.close();
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket();
        upstream.connect(target, 5_000);
        Flow flow = new Flow(client, upstream);
        flows.add(flow);
        daemon("proxy-up", () -> flow.pump(client, upstream, true));
        daemon("proxy-down", () -> flow.pump(upstream, client, false));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void reap() {
    long now = System.nanoTime();
    for (Flow f : flows) {
      if (!f.forgotten && now - f.lastActivity > idleTimeoutNanos) {
        f.forgotten = true;
      }
    }
  }

  private static void daemon(String name, Runnable task) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
  }

  /** One proxied connection. */
  static final class Flow {
    private final Socket client;
    private final Socket upstream;
    private final long openedAt = System.nanoTime();
    volatile long lastActivity = openedAt;
    private volatile long lastFromClient = openedAt;
    volatile boolean forgotten;
    /** Milliseconds the client side was quiet before each chunk it sent, while forwarded. */
    final List<Long> clientQuietMs = new CopyOnWriteArrayList<>();

    Flow(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    /** The longest the client side was quiet before a chunk that was still forwarded. */
    long maxClientQuietMs() {
      return clientQuietMs.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    void pump(Socket from, Socket to, boolean fromClient) {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream()) {
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (forgotten) {
            continue; // the middlebox no longer knows this flow: the bytes go nowhere
          }
          long now = System.nanoTime();
          if (fromClient) {
            clientQuietMs.add(TimeUnit.NANOSECONDS.toMillis(now - lastFromClient));
            lastFromClient = now;
          }
          lastActivity = now;
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side went away
      }
      if (!forgotten) {
        close(); // a close the middlebox still forwards
      }
    }

    void close() {
      try {
        client.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      try {
        upstream.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}

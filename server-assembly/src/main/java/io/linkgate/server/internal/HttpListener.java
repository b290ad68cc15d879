package io.linkgate.server.internal;

import java.net.InetSocketAddress;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A small Jetty server of the node's own (ops, dispatch), on one port, apart from every transport:
 * a few daemon threads, one acceptor, one selector.
 */
public final class HttpListener implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;

  public HttpListener(String name, int maxThreads, String host, int port, long idleTimeoutMs, Handler handler) {
    QueuedThreadPool threads = new QueuedThreadPool(maxThreads, 2);
    threads.setName(name);
    threads.setDaemon(true);
    this.server = new Server(threads);
    this.connector = new ServerConnector(server, 1, 1);
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(idleTimeoutMs);
    server.addConnector(connector);
    server.setHandler(handler);
  }

  public void start() throws Exception {
    server.start();
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(connector.getHost() == null ? "0.0.0.0" : connector.getHost(), connector.getLocalPort());
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping a listener that failed to start; nothing to release
    }
  }
}

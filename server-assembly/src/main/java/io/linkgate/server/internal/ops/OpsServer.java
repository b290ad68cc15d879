package io.linkgate.server.internal.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The ops listener: a small Jetty server of its own, apart from every client-facing port. */
public final class OpsServer implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;

  public OpsServer(OpsNode node, PrometheusMeterRegistry registry, String host, int port, String adminToken) {
    QueuedThreadPool threads = new QueuedThreadPool(8, 2);
    threads.setName("linkgate-ops");
    threads.setDaemon(true);
    this.server = new Server(threads);
    this.connector = new ServerConnector(server, 1, 1);
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(30_000);
    server.addConnector(connector);
    server.setHandler(new OpsHandler(node, registry, new AdminApi(node, adminToken)));
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

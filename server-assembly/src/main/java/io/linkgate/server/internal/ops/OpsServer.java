package io.linkgate.server.internal.ops;

import io.linkgate.server.internal.HttpListener;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;

/** The ops listener: a small Jetty server of its own, apart from every client-facing port. */
public final class OpsServer implements AutoCloseable {
  private final HttpListener listener;

  public OpsServer(OpsNode node, PrometheusMeterRegistry registry, String host, int port, String adminToken) {
    this.listener =
        new HttpListener("linkgate-ops", 8, host, port, 30_000, new OpsHandler(node, registry, new AdminApi(node, adminToken)));
  }

  public void start() throws Exception {
    listener.start();
  }

  public InetSocketAddress address() {
    return listener.address();
  }

  @Override
  public void close() {
    listener.close();
  }
}

package io.linkgate.client.internal;

import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientTransports;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One {@link ClientTransport} per transport name, created on first use, closed together. */
public final class TransportPool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TransportPool.class);

  private final ClientTransports providers;
  private final ClientTransportOptions options;
  private final Map<String, ClientTransport> open = new HashMap<>();
  private boolean closed;

  public TransportPool(ClientTransports providers, ClientTransportOptions options) {
    this.providers = providers;
    this.options = options;
  }

  /** Whether a transport of this name is on the class path. */
  public boolean knows(String name) {
    return providers.find(name).isPresent();
  }

  /**
   * The transport named {@code name}.
   *
   * @throws IllegalArgumentException if none is on the class path
   * @throws IllegalStateException once closed
   */
  public synchronized ClientTransport get(String name) {
    if (closed) {
      throw new IllegalStateException("the client is closed");
    }
    ClientTransport t = open.get(name);
    if (t == null) {
      t = providers.get(name).create(options);
      open.put(name, t);
    }
    return t;
  }

  @Override
  public void close() {
    List<ClientTransport> toClose;
    synchronized (this) {
      closed = true;
      toClose = new ArrayList<>(open.values());
      open.clear();
    }
    for (ClientTransport t : toClose) {
      try {
        t.close();
      } catch (RuntimeException e) {
        log.warn("closing client transport {} failed: {}", t.name(), e.toString());
      }
    }
  }
}

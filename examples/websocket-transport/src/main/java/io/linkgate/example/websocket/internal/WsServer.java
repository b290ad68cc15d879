package io.linkgate.example.websocket.internal;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.Transport;
import io.linkgate.api.transport.TransportSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both roles share: a Jetty server of their own with one connector per configured port, the
 * role's path, and the lifecycle.
 */
abstract class WsServer implements Transport {
  private static final Logger log = LoggerFactory.getLogger(WsServer.class);

  /** Request heads larger than this are refused (431): an upgrade needs far less. */
  private static final int MAX_REQUEST_HEAD_BYTES = 8 * 1024;

  protected final TransportSettings settings;
  private final SessionHandler core;
  private final ServerOptions options;
  private final Set<ServerConnection> open = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  private Server server; // guarded by lock
  private List<ServerConnector> connectors = List.of(); // guarded by lock
  private boolean started; // guarded by lock
  private CompletableFuture<Void> terminated; // guarded by lock
  private volatile List<Endpoint> endpoints = List.of();
  private volatile boolean refusing;
  private ServerContext cx;

  WsServer(TransportSettings settings, SessionHandler core, Role role) {
    if (settings.role() != role) {
      throw new IllegalArgumentException(
          role.name().toLowerCase(Locale.ROOT) + " transport given settings for " + settings.role());
    }
    if (settings.tls().isPresent()) {
      throw new IllegalArgumentException(
          "the websocket transport serves no TLS itself; terminate TLS (wss://) in a proxy in front");
    }
    this.settings = settings;
    this.core = core;
    this.options = ServerOptions.of(settings.options());
  }

  /** A connection of this role, for an upgrade the negotiator accepted. */
  abstract ServerConnection newConnection(ServerContext cx, String remote, String bearer);

  /** How long a connection of this role may be silent at the most, by the limits. */
  abstract Duration backstopIdleTimeout();

  final ServerConnection newConnection(String remote, String bearer) {
    return newConnection(cx, remote, bearer);
  }

  final boolean refusing() {
    return refusing;
  }

  @Override
  public String name() {
    return WsProtocol.NAME;
  }

  @Override
  public void start() throws IOException {
    synchronized (lock) {
      if (started) {
        throw new IllegalStateException("already started");
      }
      started = true;
      QueuedThreadPool threads = new QueuedThreadPool(options.threads(), 2);
      threads.setName("linkgate-ws-" + roleName());
      ScheduledExecutorScheduler timers =
          new ScheduledExecutorScheduler("linkgate-ws-" + roleName() + "-timer", true);
      Server s = new Server(threads, timers, null);
      HttpConfiguration http = new HttpConfiguration();
      http.setSendServerVersion(false);
      http.setSendXPoweredBy(false);
      http.setRequestHeaderSize(MAX_REQUEST_HEAD_BYTES);
      List<ServerConnector> bound = new ArrayList<>();
      for (int port : settings.ports()) {
        ServerConnector connector = new ServerConnector(s, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(port);
        // Until the upgrade: a connection that does not send its request in time goes.
        connector.setIdleTimeout(settings.limits().handshakeTimeout().toMillis());
        connector.setReuseAddress(true);
        connector.setAcceptQueueSize(4096);
        s.addConnector(connector);
        bound.add(connector);
      }
      cx = new ServerContext(core, settings.limits(), options, timers, threads, open);
      WebSocketUpgradeHandler upgrades =
          new WebSocketUpgradeHandler(WebSocketServerComponents.ensureWebSocketComponents(s));
      upgrades.addMapping(
          WsProtocol.path(settings.role()),
          new Negotiator(this, new OriginPolicy(options.allowedOrigins()), cx));
      s.setHandler(upgrades);
      try {
        s.start();
      } catch (Exception e) {
        stopQuietly(s);
        throw new IOException(
            "cannot listen for websocket " + roleName() + " on " + settings.host() + " ports "
                + settings.ports() + ": " + e.getMessage(),
            e);
      }
      server = s;
      connectors = List.copyOf(bound);
      List<Endpoint> eps = new ArrayList<>();
      for (ServerConnector c : bound) {
        eps.add(
            Endpoint.newBuilder()
                .setTransport(WsProtocol.NAME)
                .setRole(settings.role())
                .setHost(settings.host())
                .setPort(c.getLocalPort())
                .setTls(false)
                .build());
      }
      endpoints = List.copyOf(eps);
      log.info(
          "websocket {} listening on {} ports {} at {}",
          roleName(),
          settings.host(),
          eps.stream().map(Endpoint::getPort).toList(),
          WsProtocol.path(settings.role()));
    }
  }

  @Override
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  @Override
  public void stopAccepting() {
    refusing = true; // an upgrade already past the listener is refused by the negotiator
    List<ServerConnector> toClose;
    synchronized (lock) {
      toClose = connectors;
      connectors = List.of();
    }
    for (ServerConnector c : toClose) {
      c.close(); // the listening socket only; open connections carry on
    }
  }

  @Override
  public CompletionStage<Void> shutdown() {
    Server s;
    CompletableFuture<Void> done;
    synchronized (lock) {
      if (terminated != null) {
        return terminated;
      }
      terminated = new CompletableFuture<>();
      done = terminated;
      s = server;
    }
    if (s == null) {
      done.complete(null);
      return done;
    }
    stopAccepting();
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (ServerConnection c : List.copyOf(open)) {
      c.close(null);
      closing.add(c.closed().toCompletableFuture());
    }
    // Every connection closes within its grace (then it is cut); stop once all are gone.
    CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
        .completeOnTimeout(null, options.closeGraceMs() + 1_000, TimeUnit.MILLISECONDS)
        .whenComplete(
            (v, t) -> {
              // Stopping joins the server's threads: never from one of them.
              Thread stopper =
                  new Thread(
                      () -> {
                        stopQuietly(s);
                        done.complete(null);
                      },
                      "linkgate-ws-" + roleName() + "-stop");
              stopper.setDaemon(true);
              stopper.start();
            });
    return done;
  }

  private String roleName() {
    return settings.role().name().toLowerCase(Locale.ROOT);
  }

  private static void stopQuietly(Server s) {
    try {
      s.stop();
    } catch (Exception e) {
      log.warn("websocket server did not stop cleanly: {}", e.toString());
    }
  }
}

package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.PendingHandshakes;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportEvents;
import io.linkgate.api.transport.TransportSettings;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both roles share: a Jetty server of their own with one connector per configured port
 * (HTTP/1.1, optionally h2c on the same port, or TLS), the role's handlers, and the lifecycle.
 */
abstract class TunnelServer {
  private static final Logger log = LoggerFactory.getLogger(TunnelServer.class);

  /** How long shutdown waits for open streams to write their end before the server stops. */
  private static final long END_STREAMS_MS = 2_000;

  /** Request heads larger than this are refused (431): a token fits many times over. */
  private static final int MAX_REQUEST_HEAD_BYTES = 8 * 1024;

  protected final TransportSettings settings;
  private final SessionHandler core;
  private final TransportEvents events;
  private final ServerSettings options;
  private final DownlinkSessions sessions;
  private final BodyBudget bodyBudget;
  private final PendingHandshakes pendingHandshakes;
  private final Object lock = new Object();
  private Server server;
  private List<ServerConnector> connectors = List.of();
  private volatile List<Endpoint> endpoints = List.of();
  private boolean started;
  private CompletableFuture<Void> terminated;

  /** Set by {@link #stopAccepting}: connections opened from then on are closed at once. */
  private volatile boolean refusing;

  TunnelServer(TransportSettings settings, SessionHandler core) {
    this.settings = settings;
    this.core = core;
    this.events = core.events(name());
    this.pendingHandshakes =
        new PendingHandshakes(
            settings.limits().pendingHandshakesPerAddress(), "http-tunnel " + roleName());
    this.options = ServerSettings.of(settings);
    this.sessions =
        new DownlinkSessions(options.maxPollSessions(), options.maxPollSessionsPerUser());
    this.bodyBudget = new BodyBudget(options.maxBufferedBodyBytes());
  }

  public String name() {
    return TunnelProtocol.NAME;
  }

  public void start() throws IOException {
    synchronized (lock) {
      if (started) {
        throw new IllegalStateException("already started");
      }
      started = true;
      SslContextFactory.Server tls =
          settings.tls().isPresent() ? TlsContexts.server(settings.tls().get()) : null;
      QueuedThreadPool threads =
          new QueuedThreadPool(options.threads(), Math.min(4, options.threads()));
      threads.setName("linkgate-tunnel-" + roleName());
      ScheduledExecutorScheduler timers =
          new ScheduledExecutorScheduler("linkgate-tunnel-" + roleName() + "-timer", true);
      Server s = new Server(threads, timers, null);
      List<ServerConnector> bound = new ArrayList<>();
      for (int port : settings.ports()) {
        ServerConnector connector =
            new ServerConnector(s, 1, options.selectors(), connectionFactories(tls));
        connector.setHost(settings.host());
        connector.setPort(port);
        connector.setIdleTimeout(options.idleTimeoutMs());
        connector.setReuseAddress(true);
        connector.setAcceptQueueSize(4096);
        s.addConnector(connector);
        bound.add(connector);
      }
      TunnelContext ctx =
          new TunnelContext(
              core,
              events,
              settings.limits(),
              options,
              timers,
              threads,
              sessions,
              new HandshakeDeadline(timers, settings.limits().handshakeTimeout().toMillis(), events),
              bodyBudget);
      Handler handler = new RoutingHandler(settings.role(), ctx);
      if (!options.corsOrigins().isEmpty()) {
        handler = new CorsHandler(options.corsOrigins(), handler);
      }
      s.setHandler(handler);
      s.setErrorHandler(new FrameErrorHandler(events));
      try {
        s.start();
      } catch (Exception e) {
        stopQuietly(s);
        throw new IOException(
            "cannot listen for "
                + roleName()
                + " on "
                + settings.host()
                + " ports "
                + settings.ports()
                + ": "
                + e.getMessage(),
            e);
      }
      server = s;
      connectors = List.copyOf(bound);
      if (settings.role() == Role.DOWNLINK) {
        events.outboundQueue(this::bufferedBytes);
      }
      List<Endpoint> eps = new ArrayList<>();
      for (ServerConnector c : bound) {
        eps.add(
            Endpoint.newBuilder()
                .setTransport(TunnelProtocol.NAME)
                .setRole(settings.role())
                .setHost(settings.host())
                .setPort(c.getLocalPort())
                .setTls(tls != null)
                .build());
      }
      endpoints = List.copyOf(eps);
      log.info(
          "http-tunnel {} listening on {} ports {} ({}{})",
          roleName(),
          settings.host(),
          eps.stream().map(Endpoint::getPort).toList(),
          tls != null ? "TLS" : "HTTP/1.1",
          options.h2c() && tls == null ? " and h2c" : "");
    }
  }

  private ConnectionFactory[] connectionFactories(SslContextFactory.Server tls) {
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(MAX_REQUEST_HEAD_BYTES);
    HandshakeConnectionFactory http1 =
        new HandshakeConnectionFactory(
            http,
            settings.limits().handshakeTimeout().toMillis(),
            pendingHandshakes,
            () -> refusing,
            events);
    if (tls != null) {
      // The host name check is the client's business; a request to an IP must not be refused.
      http.addCustomizer(new SecureRequestCustomizer(false));
      return new ConnectionFactory[] {new SslConnectionFactory(tls, http1.getProtocol()), http1};
    }
    if (options.h2c()) {
      return new ConnectionFactory[] {http1, new HTTP2CServerConnectionFactory(http)};
    }
    return new ConnectionFactory[] {http1};
  }

  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /** Selector threads of each port, as started; for tests. */
  List<Integer> selectorCounts() {
    List<Integer> counts = new ArrayList<>();
    for (ServerConnector c : connectors) {
      counts.add(c.getSelectorManager().getSelectorCount());
    }
    return counts;
  }

  /** The bytes of request bodies held now; for tests. */
  BodyBudget bodyBudget() {
    return bodyBudget;
  }

  /** Bytes queued in every downlink session: read at scrape time. */
  private long bufferedBytes() {
    long total = 0;
    for (TunnelDownlink d : sessions.all()) {
      total += d.bufferedBytes();
    }
    return total;
  }

  /** The open downlink sessions; for tests. */
  DownlinkSessions sessions() {
    return sessions;
  }

  public void stopAccepting() {
    refusing = true;
    List<ServerConnector> toClose;
    synchronized (lock) {
      toClose = connectors;
      connectors = List.of();
    }
    for (ServerConnector c : toClose) {
      c.close(); // closes the listening socket; connections already open carry on
    }
  }

  public CompletionStage<Void> shutdown() {
    Server s;
    synchronized (lock) {
      if (terminated != null) {
        return terminated;
      }
      terminated = new CompletableFuture<>();
      s = server;
      if (s == null) {
        terminated.complete(null);
        return terminated;
      }
    }
    stopAccepting();
    CompletableFuture<Void> done = terminated;
    List<CompletableFuture<Void>> ends = new ArrayList<>();
    for (TunnelDownlink d : sessions.all()) {
      ends.add(d.terminate());
    }
    CompletableFuture.allOf(ends.toArray(new CompletableFuture<?>[0]))
        .completeOnTimeout(null, END_STREAMS_MS, TimeUnit.MILLISECONDS)
        .whenComplete(
            (v, t) -> {
              // Stopping joins the server's threads: never from one of them.
              Thread stopper =
                  new Thread(
                      () -> {
                        stopQuietly(s);
                        done.complete(null);
                      },
                      "linkgate-tunnel-" + roleName() + "-stop");
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
      log.warn("http-tunnel server did not stop cleanly: {}", e.toString());
    }
  }

  static TransportSettings checkRole(TransportSettings settings, Role role) {
    if (settings.role() != role) {
      throw new IllegalArgumentException(
          role.name().toLowerCase(Locale.ROOT)
              + " transport given settings for "
              + settings.role());
    }
    return settings;
  }
}

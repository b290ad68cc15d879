package io.linkgate.server;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import io.linkgate.api.auth.Authenticator;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.api.transport.UplinkTransport;
import io.linkgate.router.BusinessHandler;
import io.linkgate.router.Router;
import io.linkgate.router.store.RouterStore;
import io.linkgate.server.internal.AuthSecret;
import io.linkgate.server.internal.GracefulShutdown;
import io.linkgate.server.internal.Listeners;
import io.linkgate.server.internal.ServerModule;
import io.linkgate.server.internal.StartupLog;
import io.linkgate.server.internal.StoreModules;
import io.linkgate.server.internal.TransportCatalog;
import io.linkgate.server.internal.dispatch.Dispatch;
import io.linkgate.server.internal.ops.MetricsModule;
import io.linkgate.server.internal.ops.NodeMetrics;
import io.linkgate.server.internal.ops.OpsNode;
import io.linkgate.server.internal.ops.OpsServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running Linkgate node: the router plus the transports its configuration names, discovered on
 * the class path and composed with Guice.
 *
 * <pre>{@code
 * try (LinkgateServer node = LinkgateServer.start(LinkgateConfig.load(Path.of("linkgate.yaml")))) {
 *   node.router().push("bob", Message.of("system", "user:bob", bytes));
 *   ...
 * }
 * }</pre>
 *
 * <p>{@link #close()} is the graceful path: stop accepting, send {@code GoAway} to every downlink,
 * close within the configured grace. The CLI's {@code serve} runs the same path on SIGTERM.
 */
public final class LinkgateServer implements AutoCloseable {
  private final LinkgateConfig config;
  private final Router router;
  private final List<Endpoint> endpoints;
  private final GracefulShutdown shutdown;
  private final AtomicBoolean stopping = new AtomicBoolean();

  private final RouterStore store;
  private volatile boolean draining;
  private OpsServer ops;

  private final Dispatch dispatch;

  private LinkgateServer(
      LinkgateConfig config, Router router, RouterStore store, AutoCloseable backends, Listeners listeners, Dispatch dispatch) {
    this.config = config;
    this.router = router;
    this.store = store;
    this.dispatch = dispatch;
    this.endpoints = advertised(listeners.endpoints(), config.advertiseHost());
    this.shutdown =
        new GracefulShutdown(
            listeners, router, () -> dispatch.drain(GracefulShutdown.DRAIN_REASON), backends, config.shutdownGrace());
  }

  /**
   * Starts a node and returns once every listener is bound.
   *
   * @throws ConfigException if the configuration names an unknown transport (the message lists the
   *     known ones), a missing TLS file, or a secret too short
   * @throws IOException if a port cannot be bound; nothing is left open
   */
  public static LinkgateServer start(LinkgateConfig config) throws IOException {
    return start(config, System.getenv(), Thread.currentThread().getContextClassLoader());
  }

  static LinkgateServer start(LinkgateConfig config, Map<String, String> env, ClassLoader loader)
      throws IOException {
    AuthSecret secret = AuthSecret.resolve(config.auth().secret(), "auth.secret", env);
    if (secret.isDevelopment()) {
      StartupLog.developmentSecretWarning();
    }
    List<TransportProvider> providers = TransportCatalog.discover(loader);
    List<Module> modules = new ArrayList<>();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    modules.add(new ServerModule(config, secret));
    modules.add(new MetricsModule(registry));
    modules.add(StoreModules.forConfig(config.store()));
    StoreModules.forSends(config.sends()).ifPresent(modules::add);
    for (TransportProvider p : providers) {
      modules.add(p.module());
    }
    Injector injector = Guice.createInjector(Stage.PRODUCTION, modules);
    RouterStore store = injector.getInstance(RouterStore.class);
    Router router = injector.getInstance(Router.class);
    NodeMetrics.bind(registry, router, store);
    NodeView view = new NodeView(config, store, router);
    OpsServer ops = null;
    Dispatch dispatch = null;
    // Closed after the router: its last sends may still be on their way to them.
    AutoCloseable backends = closingInOrder(
        injector.getInstance(Key.get(new TypeLiteral<Optional<BusinessHandler>>() {})).orElse(null), store);
    try {
      if (config.ops().enabled()) {
        // Before the transports: an orchestrator probing readiness hears "starting", not silence.
        ops = new OpsServer(
            view, registry,
            config.ops().bindHost() != null ? config.ops().bindHost() : config.bindHost(),
            config.ops().port(), config.ops().adminToken());
        startOps(ops, config);
      }
      Listeners listeners =
          Listeners.create(
              config,
              injector.getInstance(Key.get(new TypeLiteral<Map<String, DownlinkTransport.Factory>>() {})),
              injector.getInstance(Key.get(new TypeLiteral<Map<String, UplinkTransport.Factory>>() {})),
              router);
      listeners.startAll();
      dispatch =
          Dispatch.start(
              config, router, store, injector.getInstance(Authenticator.class),
              advertised(listeners.endpoints(), config.advertiseHost()));
      OpsServer opsToClose = ops;
      Dispatch dispatchToClose = dispatch;
      AutoCloseable closeLast = () -> {
        // First: the node leaves the directory while the store is still open.
        dispatchToClose.close();
        backends.close();
        if (opsToClose != null) {
          opsToClose.close();
        }
      };
      LinkgateServer server = new LinkgateServer(config, router, store, closeLast, listeners, dispatch);
      server.ops = ops;
      view.server = server;
      StartupLog.started(config, providers, listeners.endpoints(), server.endpoints);
      if (ops != null) {
        StartupLog.ops(ops.address(), config.ops().adminToken() != null);
      }
      dispatch.address().ifPresent(StartupLog::dispatch);
      return server;
    } catch (IOException | RuntimeException e) {
      if (dispatch != null) {
        dispatch.close();
      }
      router.close();
      closeQuietly(backends);
      if (ops != null) {
        ops.close();
      }
      throw e;
    }
  }

  public String nodeId() {
    return config.nodeId();
  }

  public LinkgateConfig config() {
    return config;
  }

  /**
   * Where clients connect: every bound endpoint with the advertise host and the port actually
   * bound (a configured port 0 shows the port the OS chose).
   */
  public List<Endpoint> endpoints() {
    return endpoints;
  }

  /** The node's router, for pushing to users and asking who is online. */
  public Router router() {
    return router;
  }

  /**
   * Starts the graceful shutdown if it has not started (on a thread of its own) and returns a stage
   * that completes when the node is down. Idempotent.
   */
  public CompletionStage<Void> shutdown() {
    if (stopping.compareAndSet(false, true)) {
      Thread t = new Thread(shutdown::run, "linkgate-shutdown");
      t.start();
    }
    return shutdown.done();
  }

  /** Shuts down gracefully and waits for it, a little past the grace at most. */
  @Override
  public void close() {
    CompletableFuture<Void> done = shutdown().toCompletableFuture();
    try {
      done.get(config.shutdownGrace().toMillis() + 2_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException | ExecutionException e) {
      // The shutdown thread logs what went wrong; the caller only needs to stop waiting.
    }
  }

  /** Blocks until the node has shut down (after {@link #shutdown()} or {@link #close()}). */
  public void awaitTermination() throws InterruptedException {
    try {
      shutdown.done().get();
    } catch (ExecutionException e) {
      // never completed exceptionally
    }
  }

  /**
   * Whether the node can take sends and new downlinks now: running, and its store reachable (a
   * node whose Redis is down keeps its connected downlinks but is not ready).
   */
  public boolean isReady() {
    return isRunning() && !draining && store.isAvailable();
  }

  public boolean isRunning() {
    return !stopping.get();
  }

  private static void startOps(OpsServer ops, LinkgateConfig config) throws IOException {
    try {
      ops.start();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("could not start the ops listener on port " + config.ops().port() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stops accepting connections and sends every downlink a GoAway, leaving the process up (an
   * operator's drain before maintenance); the node reports not ready from then on.
   */
  public void drain() {
    draining = true;
    shutdown.drainOnly();
  }

  /** Where the dispatch listener is bound, if it is on ({@code dispatch.enabled}). */
  public Optional<java.net.InetSocketAddress> dispatchAddress() {
    return dispatch.address();
  }

  /** This node's load level as last measured (0 idle .. 4 at capacity); 0 before the first reading. */
  public int loadLevel() {
    var r = dispatch.load();
    return r == null ? 0 : r.level();
  }

  /** Where the ops listener is bound, if it is on. */
  public Optional<java.net.InetSocketAddress> opsAddress() {
    return ops == null ? Optional.empty() : Optional.of(ops.address());
  }

  /** The ops listener's view of this node; its server is set once the transports listen. */
  private static final class NodeView implements OpsNode {
    private final LinkgateConfig config;
    private final RouterStore store;
    private final Router router;
    private final Instant startedAt = Instant.now();
    volatile LinkgateServer server;

    NodeView(LinkgateConfig config, RouterStore store, Router router) {
      this.config = config;
      this.store = store;
      this.router = router;
    }

    @Override
    public String nodeId() {
      return config.nodeId();
    }

    @Override
    public String version() {
      String v = LinkgateServer.class.getPackage().getImplementationVersion();
      return v != null ? v : "dev";
    }

    @Override
    public Instant startedAt() {
      return startedAt;
    }

    @Override
    public List<Endpoint> endpoints() {
      LinkgateServer s = server;
      return s == null ? List.of() : s.endpoints();
    }

    @Override
    public String storeDescription() {
      return config.store().describe();
    }

    @Override
    public Router router() {
      return router;
    }

    @Override
    public String notReadyReason() {
      LinkgateServer s = server;
      if (s == null) {
        return "starting";
      }
      if (!s.isRunning()) {
        return "shutting down";
      }
      if (s.draining) {
        return "draining";
      }
      if (!store.isAvailable()) {
        return "store unreachable";
      }
      return null;
    }

    @Override
    public void drain() {
      LinkgateServer s = server;
      if (s != null) {
        s.drain();
      }
    }
  }

  /** Closes the send handler (when it holds a connection of its own), then the store. */
  private static AutoCloseable closingInOrder(Object handler, RouterStore store) {
    return () -> {
      if (handler instanceof AutoCloseable c) {
        closeQuietly(c);
      }
      store.close();
    };
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(LinkgateServer.class).warn("could not close {}: {}", c, e.toString());
    }
  }

  private static List<Endpoint> advertised(List<Endpoint> bound, String host) {
    List<Endpoint> out = new ArrayList<>(bound.size());
    for (Endpoint e : bound) {
      out.add(e.toBuilder().setHost(host).build());
    }
    return List.copyOf(out);
  }
}

package io.linkgate.client;

import io.linkgate.api.GatewayException;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientTransports;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.SendAck;
import io.linkgate.api.proto.Welcome;
import io.linkgate.client.internal.Callbacks;
import io.linkgate.client.internal.ClientConfig;
import io.linkgate.client.internal.Connector;
import io.linkgate.client.internal.DispatchClient;
import io.linkgate.client.internal.DownlinkManager;
import io.linkgate.client.internal.EndpointSource;
import io.linkgate.client.internal.OutcomeLog;
import io.linkgate.client.internal.RaceSettings;
import io.linkgate.client.internal.RacingConnector;
import io.linkgate.client.internal.Scheduler;
import io.linkgate.client.internal.SequentialConnector;
import io.linkgate.client.internal.Threads;
import io.linkgate.client.internal.TransportPool;
import io.linkgate.client.internal.UplinkManager;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Linkgate client: a downlink that receives pushes (in order, exactly once, across reconnects)
 * and an uplink that sends messages (retried without duplicates).
 *
 * <pre>{@code
 * try (LinkgateClient client = LinkgateClient.builder()
 *     .downlinkEndpoints(List.of(Endpoints.parse("tcp://gw.example.com:7000", Role.DOWNLINK)))
 *     .uplinkEndpoints(List.of(Endpoints.parse("tcp://gw.example.com:7001", Role.UPLINK)))
 *     .token(token)
 *     .deviceId("phone-1")
 *     .pushListener(push -> show(push))
 *     .build()) {
 *   client.connect();
 *   client.send("user:bob", "hi".getBytes(UTF_8)).thenAccept(ack -> ...);
 * }
 * }</pre>
 *
 * <p>Connecting: the client races its attempts over the endpoints (see {@link
 * Builder#racing(Duration, int)}) and keeps the first that completes the handshake. With {@link
 * Builder#dispatch(URI...)} it asks a dispatch endpoint for endpoints ranked by load first, and
 * keeps the configured ones as the fallback.
 *
 * <p>Threads: the client owns one scheduler thread (timers and connection state) and one callback
 * thread on which every listener runs and every returned stage completes, in order. Do not block
 * the callback thread waiting for the client's own stages. All methods are thread-safe.
 */
public final class LinkgateClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LinkgateClient.class);
  /** Connection outcomes kept for dispatch; older ones are dropped past this. */
  private static final int MAX_PENDING_OUTCOMES = 64;

  private final Scheduler scheduler;
  private final Callbacks callbacks;
  private final Connector connector;
  private final EndpointSource endpoints;
  private final DownlinkManager downlink;
  private final UplinkManager uplink;
  private final boolean hasDownlinks;
  private final boolean hasUplinks;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LinkgateClient(ClientConfig config, ClientTransports transports) {
    int id = Threads.nextClientId();
    this.scheduler = new Scheduler("linkgate-client-" + id);
    this.callbacks = new Callbacks("linkgate-client-" + id + "-callbacks", config.maxQueuedPushes());
    OutcomeLog outcomes = new OutcomeLog(MAX_PENDING_OUTCOMES, config::network);
    TransportPool pool = new TransportPool(transports, config.transportOptions());
    // A guard over each attempt in case a transport never answers; its own timeout comes first.
    Duration attemptTimeout = config.transportOptions().connectTimeout().plusSeconds(5);
    this.connector = config.racing()
        ? new RacingConnector(pool, scheduler,
            new RaceSettings(config.raceStagger(), config.raceMaxInFlight(), attemptTimeout), outcomes)
        : SequentialConnector.create(pool, scheduler, attemptTimeout, outcomes);
    boolean dispatch = !config.dispatchUrls().isEmpty();
    this.endpoints = dispatch
        ? DispatchClient.of(config, scheduler, outcomes, "linkgate-client-" + id + "-dispatch")
        : EndpointSource.none();
    this.uplink = new UplinkManager(config, scheduler, callbacks, connector, endpoints);
    this.downlink =
        new DownlinkManager(config, scheduler, callbacks, connector, endpoints, uplink::redirect);
    // A client given dispatch but no push listener only sends.
    this.hasDownlinks =
        !config.downlinks().isEmpty() || (dispatch && config.pushListener() != null);
    this.hasUplinks = dispatch || !config.uplinks().isEmpty();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the downlink (if not already running) and keeps it connected until {@link #close()}.
   *
   * @return completes with the next {@code Welcome}, or fails with a {@link GatewayException} if the
   *     client stops first (token refused, client closed); transient failures are retried, not
   *     reported here
   * @throws IllegalStateException if no downlink endpoint was configured
   */
  public CompletionStage<Welcome> connect() {
    if (!hasDownlinks) {
      throw new IllegalStateException("no downlink endpoints configured: this client can only send");
    }
    return downlink.connect();
  }

  /** Sends {@code payload} to {@code to} ({@code user:<id>} or {@code room:<id>}). */
  public CompletionStage<SendAck> send(String to, byte[] payload) {
    return send(to, payload, Map.of());
  }

  /**
   * Sends a message over the uplink, opened on demand. Retried on a new connection if the
   * connection is lost, with the same client_msg_id so the server never delivers it twice.
   *
   * @return completes with the server's {@code SendAck}, or fails with a {@link GatewayException}:
   *     the server's {@code Error} (RATE_LIMITED and UNAVAILABLE are retried first), UNAVAILABLE
   *     when attempts or time ran out or the client closed, RATE_LIMITED when too many sends are
   *     already waiting, FRAME_TOO_LARGE for a message over the frame limit
   * @throws IllegalStateException if no uplink endpoint was configured
   */
  public CompletionStage<SendAck> send(String to, byte[] payload, Map<String, String> headers) {
    if (!hasUplinks) {
      throw new IllegalStateException("no uplink endpoints configured: this client can only receive");
    }
    if (to == null || to.isBlank()) {
      throw new IllegalArgumentException("send needs a recipient: user:<id> or room:<id>");
    }
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(headers, "headers");
    return uplink.send(to, payload, headers);
  }

  /** Joins a room; remembered and sent again after every reconnect. */
  public void subscribe(String room) {
    downlink.subscribe(checkRoom(room));
  }

  /** Leaves a room. */
  public void unsubscribe(String room) {
    downlink.unsubscribe(checkRoom(room));
  }

  /**
   * The last contiguous seq the push listener returned from, with its epoch. Persist it (after
   * {@link PushListener#onPush} returns) to resume there after a restart.
   */
  public Cursor cursor() {
    return downlink.cursor();
  }

  public ConnectionState state() {
    return downlink.state();
  }

  /**
   * Acks what was delivered, closes the connections, fails unfinished sends, and stops the
   * client's threads. Pushes not yet handed to the listener are dropped (the cursor does not pass
   * them, so a later resume gets them again). Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    callbacks.stopPushes();
    CompletableFuture<Void> shutdown = new CompletableFuture<>();
    try {
      scheduler.execute(() -> {
        try {
          downlink.shutdown();
          uplink.shutdown();
        } finally {
          shutdown.complete(null);
        }
      });
      if (!callbacks.isCallbackThread() && !scheduler.inThread()) {
        shutdown.get(5, TimeUnit.SECONDS);
      }
    } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
      log.warn("linkgate client did not shut down cleanly: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    endpoints.close();
    connector.close();
    scheduler.shutdownNow();
    callbacks.close();
  }

  private static String checkRoom(String room) {
    if (room == null || room.isBlank()) {
      throw new IllegalArgumentException("room name must not be blank");
    }
    return room;
  }

  /** Builds a {@link LinkgateClient}. Required: endpoints, a token, a device id. */
  public static final class Builder {
    private static final Duration DISPATCH_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration RETRY_PREFERRED_TRANSPORT_AFTER = Duration.ofMinutes(5);

    private final List<Endpoint> downlinks = new ArrayList<>();
    private final List<Endpoint> uplinks = new ArrayList<>();
    private Supplier<String> token;
    private boolean tokenRefreshable;
    private String deviceId;
    private Duration heartbeat = Duration.ofSeconds(30);
    private boolean adaptiveHeartbeat;
    private Duration heartbeatMin;
    private Duration heartbeatMax;
    private String clientVersion = defaultVersion();
    private ClientTransportOptions transportOptions = ClientTransportOptions.defaults();
    private PushListener pushListener;
    private ConnectionStateListener stateListener;
    private Backoff backoff = Backoff.defaults();
    private Cursor resumeFrom = Cursor.START;
    private int ackBatchSize = 32;
    private Duration ackDelay = Duration.ofMillis(100);
    private int maxQueuedPushes = 10_000;
    private int maxPendingSends = 1_000;
    private int maxSendAttempts = 5;
    private Duration sendTimeout = Duration.ofSeconds(30);
    private Duration uplinkIdleTimeout = Duration.ofMinutes(2);
    private ClassLoader classLoader = LinkgateClient.class.getClassLoader();
    private String network = "default";
    private boolean racing = true;
    private Duration raceStagger = Duration.ofMillis(250);
    private int raceMaxInFlight = 3;
    private final List<URI> dispatchUrls = new ArrayList<>();
    private List<String> transportPreference = List.of("tcp", "grpc", "http-tunnel");

    private Builder() {}

    /**
     * Asks dispatch where to connect: {@code GET {url}/v1/dispatch} on each URL in turn until one
     * answers with endpoints ranked by the nodes' load, cached for the TTL it gives and refreshed
     * before it runs out. How connecting went is reported back on the next ask. When no URL
     * answers, the last answer is used even if old, and failing that the configured endpoints, so
     * configure some as a fallback. A 401 from dispatch counts as a refused token.
     *
     * @param bootstrapUrls base URLs such as {@code http://dispatch.example.com:7000}
     */
    public Builder dispatch(URI... bootstrapUrls) {
      dispatchUrls.clear();
      for (URI url : bootstrapUrls) {
        String scheme = url.getScheme();
        if (url.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
          throw new IllegalArgumentException(
              "dispatch URL must be http(s)://host[:port], got " + url);
        }
        dispatchUrls.add(url);
      }
      return this;
    }

    /**
     * Whether to race connection attempts (the default; see {@link #racing(Duration, int)}) or
     * try the endpoints strictly one after another, each until it fails or times out.
     */
    public Builder racing(boolean enabled) {
      this.racing = enabled;
      return this;
    }

    /**
     * Races connection attempts (RFC 8305 "Happy Eyeballs" style): the endpoints are tried in
     * order, the next one {@code stagger} after the previous while it has not answered, or at once
     * when it fails; at most {@code maxInFlight} at a time. The first to complete the handshake is
     * kept and the others are closed, so an endpoint that drops packets costs one stagger instead
     * of a connect timeout. Defaults 250 ms and 3; {@code maxInFlight} 1 is sequential.
     */
    public Builder racing(Duration stagger, int maxInFlight) {
      if (stagger.isNegative()) {
        throw new IllegalArgumentException("stagger must not be negative, got " + stagger);
      }
      this.raceMaxInFlight = positive(maxInFlight, "maxInFlight");
      this.raceStagger = stagger;
      this.racing = true;
      return this;
    }

    /**
     * The client's name for the network it is on ({@code "wifi"}, {@code "cell:46001"}): what
     * worked is remembered per network, and connection outcomes reported to dispatch carry it.
     * Default {@code "default"}.
     */
    public Builder network(String network) {
      if (network == null || network.isBlank()) {
        throw new IllegalArgumentException("network name must not be blank");
      }
      this.network = network;
      return this;
    }

    /**
     * The order in which transports are tried on each host of the configured endpoints. Default
     * {@code tcp}, {@code grpc}, {@code http-tunnel}. When another transport worked on this network
     * it goes first for 5 minutes, then the preferred one is tried first again. Dispatch lists keep
     * their own order.
     */
    public Builder transportPreference(String... transports) {
      if (transports.length == 0) {
        throw new IllegalArgumentException("name at least one transport");
      }
      this.transportPreference = List.copyOf(Arrays.asList(transports));
      return this;
    }

    /** Where to open the downlink, in order of preference. */
    public Builder downlinkEndpoints(List<Endpoint> endpoints) {
      downlinks.clear();
      downlinks.addAll(checkRoles(endpoints, Role.DOWNLINK));
      return this;
    }

    /** Where to open uplinks, in order of preference; may use another transport than downlinks. */
    public Builder uplinkEndpoints(List<Endpoint> endpoints) {
      uplinks.clear();
      uplinks.addAll(checkRoles(endpoints, Role.UPLINK));
      return this;
    }

    /** A fixed token: if the server refuses it, the client stops instead of retrying. */
    public Builder token(String token) {
      if (token == null || token.isEmpty()) {
        throw new IllegalArgumentException("token must not be empty");
      }
      this.token = () -> token;
      this.tokenRefreshable = false;
      return this;
    }

    /**
     * A token source asked before every connection; after a refusal the client retries only if it
     * returns a different token. Called on the client's scheduler thread: return quickly (a cached
     * value refreshed elsewhere).
     */
    public Builder tokenSupplier(Supplier<String> supplier) {
      this.token = Objects.requireNonNull(supplier, "supplier");
      this.tokenRefreshable = true;
      return this;
    }

    /** A stable id for this installation: the server tracks acked positions per device. */
    public Builder deviceId(String deviceId) {
      this.deviceId = deviceId;
      return this;
    }

    /**
     * The heartbeat interval to propose; the server grants one within its bounds, and the client
     * pings at the granted one. Default 30 s. With {@link #adaptiveHeartbeat} it is where learning
     * starts on each network.
     */
    public Builder heartbeat(Duration heartbeat) {
      this.heartbeat = checkHeartbeat(heartbeat, "heartbeat");
      return this;
    }

    /**
     * Learns the longest heartbeat interval each network ({@link #network}) allows, instead of
     * keeping one: NATs and carrier firewalls drop idle connections after timeouts nobody
     * publishes, and every ping costs battery. The client starts at {@link #heartbeat} (within
     * these bounds), steps the interval up by half after two idle periods survived, and when a
     * connection dies at a longer interval (no frame comes back after an idle ping) steps back to
     * the last one that worked and keeps it for 6 hours. While probing, its {@code Hello} proposes
     * {@code max} so one connection can step up; once settled it proposes what it learned. The
     * node's bounds (from dispatch or from how it clamped a proposal) always win, and the client
     * never pings slower than the node granted. {@link ConnectionEvent#heartbeat()} reports the
     * interval. Off by default.
     *
     * @param min the shortest interval to use, however often connections die
     * @param max the longest interval to try
     */
    public Builder adaptiveHeartbeat(Duration min, Duration max) {
      checkHeartbeat(min, "min");
      checkHeartbeat(max, "max");
      if (min.compareTo(max) > 0) {
        throw new IllegalArgumentException("min " + min + " is above max " + max);
      }
      this.adaptiveHeartbeat = true;
      this.heartbeatMin = min;
      this.heartbeatMax = max;
      return this;
    }

    public Builder clientVersion(String clientVersion) {
      this.clientVersion = Objects.requireNonNull(clientVersion, "clientVersion");
      return this;
    }

    public Builder transportOptions(ClientTransportOptions options) {
      this.transportOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    public Builder pushListener(PushListener listener) {
      this.pushListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public Builder stateListener(ConnectionStateListener listener) {
      this.stateListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /** Where the app stopped last time (a persisted {@link LinkgateClient#cursor()}). */
    public Builder resumeFrom(Cursor cursor) {
      this.resumeFrom = Objects.requireNonNull(cursor, "cursor");
      return this;
    }

    /** Ack after this many delivered pushes or this long after the first unacked one. */
    public Builder ackBatching(int maxPushes, Duration maxDelay) {
      if (maxPushes < 1 || maxDelay.isNegative() || maxDelay.isZero()) {
        throw new IllegalArgumentException("ack batching needs maxPushes >= 1 and a positive delay");
      }
      this.ackBatchSize = maxPushes;
      this.ackDelay = maxDelay;
      return this;
    }

    /** Pushes waiting for the listener before the downlink pauses. Default 10,000. */
    public Builder maxQueuedPushes(int max) {
      this.maxQueuedPushes = positive(max, "maxQueuedPushes");
      return this;
    }

    /** Sends accepted and not yet answered; past it send() fails at once. Default 1,000. */
    public Builder maxPendingSends(int max) {
      this.maxPendingSends = positive(max, "maxPendingSends");
      return this;
    }

    /** How often one send may be tried, and for how long in all. Defaults 5 and 30 s. */
    public Builder sendRetries(int maxAttempts, Duration timeout) {
      this.maxSendAttempts = positive(maxAttempts, "maxAttempts");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("send timeout must be positive");
      }
      this.sendTimeout = timeout;
      return this;
    }

    /**
     * How long an unused uplink stays open. Default 2 minutes: shorter than the server's idle
     * close, so the client, not a race with the server, decides when it ends.
     */
    public Builder uplinkIdleTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("uplink idle timeout must be positive");
      }
      this.uplinkIdleTimeout = timeout;
      return this;
    }

    /** Where to look for client transports (ServiceLoader). Default: this library's loader. */
    public Builder classLoader(ClassLoader loader) {
      this.classLoader = loader;
      return this;
    }

    /**
     * @throws IllegalArgumentException for a missing setting, or an endpoint whose transport is not
     *     on the class path (the message lists those that are)
     */
    public LinkgateClient build() {
      if (downlinks.isEmpty() && uplinks.isEmpty() && dispatchUrls.isEmpty()) {
        throw new IllegalArgumentException(
            "no endpoints: set downlinkEndpoints and/or uplinkEndpoints, or dispatch(...)");
      }
      if (token == null) {
        throw new IllegalArgumentException("no token: set token(...) or tokenSupplier(...)");
      }
      if (deviceId == null || deviceId.isBlank()) {
        throw new IllegalArgumentException(
            "no deviceId: set a stable id per installation, so the server can track what it acked");
      }
      if (!downlinks.isEmpty() && pushListener == null) {
        throw new IllegalArgumentException("a downlink needs a pushListener");
      }
      ClientTransports transports = ClientTransports.load(classLoader);
      Set<String> names = new HashSet<>();
      for (Endpoint e : downlinks) {
        names.add(e.getTransport());
      }
      for (Endpoint e : uplinks) {
        names.add(e.getTransport());
      }
      for (String name : names) {
        transports.get(name); // throws, naming the known transports and the artifact to add
      }
      ClientConfig config = new ClientConfig(
          downlinks, uplinks, token, tokenRefreshable, deviceId, heartbeat, adaptiveHeartbeat,
          adaptiveHeartbeat ? heartbeatMin : heartbeat, adaptiveHeartbeat ? heartbeatMax : heartbeat,
          clientVersion,
          transportOptions, pushListener, stateListener, backoff, resumeFrom, ackBatchSize,
          ackDelay, maxQueuedPushes, maxPendingSends, maxSendAttempts, sendTimeout,
          uplinkIdleTimeout, Set.copyOf(transports.names()), network, racing, raceStagger,
          raceMaxInFlight, dispatchUrls, DISPATCH_TIMEOUT, transportPreference,
          RETRY_PREFERRED_TRANSPORT_AFTER);
      return new LinkgateClient(config, transports);
    }

    private static List<Endpoint> checkRoles(List<Endpoint> endpoints, Role role) {
      List<Endpoint> out = new ArrayList<>();
      for (Endpoint e : endpoints) {
        if (e.getRole() != role && e.getRole() != Role.ROLE_UNSPECIFIED) {
          throw new IllegalArgumentException(
              "endpoint " + Endpoints.describe(e) + " is for " + e.getRole() + ", not " + role);
        }
        if (e.getTransport().isEmpty() || e.getHost().isEmpty() || e.getPort() == 0) {
          throw new IllegalArgumentException(
              "endpoint " + Endpoints.describe(e) + " needs a transport, host and port");
        }
        out.add(e.toBuilder().setRole(role).build());
      }
      return out;
    }

    private static Duration checkHeartbeat(Duration interval, String name) {
      long ms = interval.toMillis();
      if (ms < 1 || ms > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            name + " must be between 1 ms and 24 days, got " + interval);
      }
      return interval;
    }

    private static int positive(int value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, got " + value);
      }
      return value;
    }

    private static String defaultVersion() {
      String v = LinkgateClient.class.getPackage().getImplementationVersion();
      return "linkgate-java/" + (v == null ? "dev" : v);
    }
  }
}

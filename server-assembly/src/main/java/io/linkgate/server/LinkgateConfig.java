package io.linkgate.server;

import io.linkgate.server.internal.ConfigLoader;
import io.linkgate.server.internal.NodeDefaults;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a node is configured with. Mirrors the YAML file key for key (kebab-case there:
 * {@code nodeId} is {@code node-id}). Every absent value takes its default, so {@link #defaults()}
 * is a working development node on every shipped transport (see {@link TransportsConfig}).
 *
 * @param nodeId this node's id; default: the host name plus a random suffix
 * @param bindHost the address every listener binds; default {@code 0.0.0.0}
 * @param advertiseHost the host clients are told to connect to; default: the bind host, or the
 *     machine's host name when binding every address
 * @param shutdownGrace how long a graceful shutdown may take before connections are cut; default 10s
 * @param auth how tokens are verified
 * @param limits bounds every transport enforces
 * @param router delivery settings
 * @param store where sessions, seqs and inboxes live: this process (default) or Redis (a cluster)
 * @param sends what the node does with clients' sends: deliver them (default) or hand them to a
 *     business service through a Redis Stream
 * @param ops the operations listener (metrics, health, admin API)
 * @param dispatch the dispatch listener (where clients should connect) and what this node advertises
 * @param transports which transports listen where, per role
 */
public record LinkgateConfig(
    String nodeId,
    String bindHost,
    String advertiseHost,
    Duration shutdownGrace,
    AuthConfig auth,
    LimitsConfig limits,
    RouterConfig router,
    StoreConfig store,
    SendsConfig sends,
    OpsConfig ops,
    DispatchConfig dispatch,
    TransportsConfig transports) {

  public static final String DEFAULT_BIND_HOST = "0.0.0.0";
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

  public LinkgateConfig {
    nodeId = isBlank(nodeId) ? NodeDefaults.nodeId() : nodeId.trim();
    bindHost = isBlank(bindHost) ? DEFAULT_BIND_HOST : bindHost.trim();
    advertiseHost = isBlank(advertiseHost) ? NodeDefaults.advertiseHost(bindHost) : advertiseHost.trim();
    shutdownGrace = shutdownGrace == null ? DEFAULT_SHUTDOWN_GRACE : shutdownGrace;
    if (shutdownGrace.isNegative() || shutdownGrace.isZero()) {
      throw new ConfigException("shutdown-grace must be positive, got " + shutdownGrace);
    }
    auth = auth == null ? new AuthConfig(null) : auth;
    limits = limits == null ? LimitsConfig.defaults() : limits;
    router = router == null ? RouterConfig.defaults() : router;
    store = store == null ? StoreConfig.memory() : store;
    sends = sends == null ? SendsConfig.defaults() : sends;
    ops = ops == null ? OpsConfig.defaults() : ops;
    dispatch = dispatch == null ? DispatchConfig.defaults() : dispatch;
    if (sends.handler().equals(SendsConfig.REDIS_STREAM) && !store.type().equals(StoreConfig.REDIS)) {
      throw new ConfigException("sends.handler redis-stream needs store.type redis (the stream is on store.uri)");
    }
    transports = transports == null ? TransportsConfig.defaults() : transports;
  }

  /** A node on every default. */
  public static LinkgateConfig defaults() {
    return new LinkgateConfig(null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /**
   * Reads a YAML file.
   *
   * @throws ConfigException for a missing or unreadable file, bad YAML, an unknown key (the message
   *     lists the valid keys at that level) or a bad value
   */
  public static LinkgateConfig load(Path file) {
    return ConfigLoader.load(file);
  }

  /** Parses YAML text; an empty text is {@link #defaults()}. Fails as {@link #load(Path)} does. */
  public static LinkgateConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, "configuration");
  }

  public LinkgateConfig withNodeId(String id) {
    return new LinkgateConfig(id, bindHost, advertiseHost, shutdownGrace, auth, limits, router, store, sends, ops, dispatch, transports);
  }

  /** Binds {@code host}; also advertises it unless an advertise host was set explicitly. */
  public LinkgateConfig withBindHost(String host) {
    String advertise = advertiseHost.equals(NodeDefaults.advertiseHost(bindHost)) ? null : advertiseHost;
    return new LinkgateConfig(nodeId, host, advertise, shutdownGrace, auth, limits, router, store, sends, ops, dispatch, transports);
  }

  public LinkgateConfig withAdvertiseHost(String host) {
    return new LinkgateConfig(nodeId, bindHost, host, shutdownGrace, auth, limits, router, store, sends, ops, dispatch, transports);
  }

  public LinkgateConfig withAuthSecret(String secret) {
    return new LinkgateConfig(
        nodeId, bindHost, advertiseHost, shutdownGrace, new AuthConfig(secret), limits, router, store, sends, ops, dispatch, transports);
  }

  public LinkgateConfig withShutdownGrace(Duration grace) {
    return new LinkgateConfig(nodeId, bindHost, advertiseHost, grace, auth, limits, router, store, sends, ops, dispatch, transports);
  }

  public LinkgateConfig withLimits(LimitsConfig newLimits) {
    return new LinkgateConfig(nodeId, bindHost, advertiseHost, shutdownGrace, auth, newLimits, router, store, sends, ops, dispatch, transports);
  }

  public LinkgateConfig withRouter(RouterConfig newRouter) {
    return new LinkgateConfig(nodeId, bindHost, advertiseHost, shutdownGrace, auth, limits, newRouter, store, sends, ops, dispatch, transports);
  }

  public LinkgateConfig withStore(StoreConfig newStore) {
    return new LinkgateConfig(nodeId, bindHost, advertiseHost, shutdownGrace, auth, limits, router, newStore, sends, ops, dispatch, transports);
  }

  public LinkgateConfig withSends(SendsConfig newSends) {
    return new LinkgateConfig(nodeId, bindHost, advertiseHost, shutdownGrace, auth, limits, router, store, newSends, ops, dispatch, transports);
  }

  public LinkgateConfig withOps(OpsConfig newOps) {
    return new LinkgateConfig(nodeId, bindHost, advertiseHost, shutdownGrace, auth, limits, router, store, sends, newOps, dispatch, transports);
  }

  public LinkgateConfig withDispatch(DispatchConfig newDispatch) {
    return new LinkgateConfig(nodeId, bindHost, advertiseHost, shutdownGrace, auth, limits, router, store, sends, ops, newDispatch, transports);
  }

  public LinkgateConfig withTransports(TransportsConfig newTransports) {
    return new LinkgateConfig(nodeId, bindHost, advertiseHost, shutdownGrace, auth, limits, router, store, sends, ops, dispatch, newTransports);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}

package io.linkgate.server;

import java.time.Duration;
import java.util.List;

/**
 * The dispatch listener: {@code GET /v1/dispatch} tells an authenticated client where to connect,
 * ranked by every node's load, and {@code POST /v1/dispatch/report} takes back how its attempts
 * went. It is a public, client-facing port, so it is off unless configured.
 *
 * @param enabled default false
 * @param port default 7000; 0 picks a free one
 * @param bindHost default the node's {@code bind-host}
 * @param ttl how long a client may use a list before asking again; default 5m
 * @param capacity the downlinks this node holds at full load (load level 4); default 100,000
 * @param drainWindow a drain with hints (other nodes to go to) spreads its GoAways over this long,
 *     at most half the shutdown grace; default 5s
 * @param advertise where clients reach this node, per transport and role, with several hosts and
 *     ports each; default: every listener at the node's {@code advertise-host}
 */
public record DispatchConfig(
    Boolean enabled,
    Integer port,
    String bindHost,
    Duration ttl,
    Integer capacity,
    Duration drainWindow,
    List<AdvertiseConfig> advertise) {
  public static final int DEFAULT_PORT = 7000;

  public DispatchConfig {
    enabled = enabled != null && enabled;
    port = port == null ? DEFAULT_PORT : port;
    if (port < 0 || port > 65535) {
      throw new ConfigException("dispatch.port must be 0..65535, got " + port);
    }
    bindHost = bindHost == null || bindHost.isBlank() ? null : bindHost.trim();
    ttl = ttl == null ? Duration.ofMinutes(5) : ttl;
    if (ttl.compareTo(Duration.ofSeconds(10)) < 0 || ttl.compareTo(Duration.ofDays(1)) > 0) {
      throw new ConfigException("dispatch.ttl must be between 10s and 1d, got " + ttl);
    }
    capacity = capacity == null ? 100_000 : capacity;
    if (capacity < 1) {
      throw new ConfigException("dispatch.capacity must be positive, got " + capacity);
    }
    drainWindow = drainWindow == null ? Duration.ofSeconds(5) : drainWindow;
    if (drainWindow.isNegative()) {
      throw new ConfigException("dispatch.drain-window must not be negative");
    }
    advertise = advertise == null ? List.of() : List.copyOf(advertise);
  }

  public static DispatchConfig defaults() {
    return new DispatchConfig(null, null, null, null, null, null, null);
  }

  /** On, on {@code newPort}. */
  public DispatchConfig enabledOn(int newPort) {
    return new DispatchConfig(true, newPort, bindHost, ttl, capacity, drainWindow, advertise);
  }

  public DispatchConfig withCapacity(int newCapacity) {
    return new DispatchConfig(enabled, port, bindHost, ttl, newCapacity, drainWindow, advertise);
  }

  public DispatchConfig withDrainWindow(Duration window) {
    return new DispatchConfig(enabled, port, bindHost, ttl, capacity, window, advertise);
  }

  public DispatchConfig withAdvertise(List<AdvertiseConfig> endpoints) {
    return new DispatchConfig(enabled, port, bindHost, ttl, capacity, drainWindow, endpoints);
  }
}

package io.linkgate.transport.tunnel.internal.client;

import io.linkgate.api.proto.Endpoint;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Remembers, for a while, the endpoints whose stream did not get through (a buffering proxy on the
 * way), so that reconnecting to them goes straight to long-polling instead of waiting out the
 * Welcome window every time.
 */
final class StreamFallbacks {
  /** How long a failed stream is not tried again: the network in between rarely changes faster. */
  static final long REMEMBER_NANOS = TimeUnit.MINUTES.toNanos(10);

  /** Bounded by the endpoints a client is given; stale entries are dropped when looked at. */
  private final ConcurrentHashMap<String, Long> pollUntil = new ConcurrentHashMap<>();

  void streamFailed(Endpoint endpoint) {
    pollUntil.put(key(endpoint), System.nanoTime() + REMEMBER_NANOS);
  }

  boolean shouldPoll(Endpoint endpoint) {
    String key = key(endpoint);
    Long until = pollUntil.get(key);
    if (until == null) {
      return false;
    }
    if (System.nanoTime() - until >= 0) {
      pollUntil.remove(key, until);
      return false;
    }
    return true;
  }

  private static String key(Endpoint endpoint) {
    return endpoint.getHost() + ":" + endpoint.getPort() + (endpoint.getTls() ? "/tls" : "");
  }
}

package io.linkgate.example.websocket.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The server's transport-specific options, read once, with a clear error for a bad value.
 *
 * @param allowedOrigins origins whose pages may connect; empty for any, {@code *} for any too
 * @param maxInFlight a connection's frames handed to the core and not yet answered
 * @param closeGraceMs how long a close may take before the connection is cut
 * @param threads most Jetty threads of one role's server
 */
record ServerOptions(List<String> allowedOrigins, int maxInFlight, long closeGraceMs, int threads) {
  static final String ALLOWED_ORIGINS = "allowed-origins";
  static final String MAX_IN_FLIGHT = "max-in-flight";
  static final String CLOSE_GRACE_MS = "close-grace-ms";
  static final String THREADS = "threads";
  private static final List<String> KNOWN =
      List.of(ALLOWED_ORIGINS, MAX_IN_FLIGHT, CLOSE_GRACE_MS, THREADS);

  static ServerOptions of(Map<String, String> options) {
    for (String key : options.keySet()) {
      if (!KNOWN.contains(key)) {
        throw new IllegalArgumentException(
            "unknown websocket option '" + key + "'; known: " + KNOWN);
      }
    }
    String origins = options.getOrDefault(ALLOWED_ORIGINS, "");
    return new ServerOptions(
        Arrays.stream(origins.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
        positive(options, MAX_IN_FLIGHT, 64),
        positive(options, CLOSE_GRACE_MS, 5_000),
        Math.max(4, positive(options, THREADS, 64)));
  }

  private static int positive(Map<String, String> options, String key, int defaultValue) {
    String raw = options.get(key);
    if (raw == null || raw.isBlank()) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(raw.trim());
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "websocket option " + key + " must be a positive whole number, got '" + raw + "'");
  }
}

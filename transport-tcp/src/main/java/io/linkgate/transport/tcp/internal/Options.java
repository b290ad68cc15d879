package io.linkgate.transport.tcp.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport-specific settings ({@code options} in configuration), read with clear errors.
 *
 * <p>Server: {@code threads} (event-loop threads of the role), {@code epoll} ({@code false} forces
 * NIO), {@code maxInFlight} (client frames waiting on the core before reading pauses), {@code
 * closeGraceMs} (how long a closing connection may take to deliver its last frame). Client: {@code
 * threads}, {@code epoll}, {@code trustCertificates} (a PEM file of certificates to trust).
 */
final class Options {
  private static final Logger log = LoggerFactory.getLogger(Options.class);

  static final String THREADS = "threads";
  static final String EPOLL = "epoll";
  static final String MAX_IN_FLIGHT = "maxInFlight";
  static final String CLOSE_GRACE_MS = "closeGraceMs";
  static final String TRUST_CERTIFICATES = "trustCertificates";

  private final Map<String, String> values;

  private Options(Map<String, String> values) {
    this.values = values;
  }

  /** Reads {@code values}; a key not in {@code known} is reported and ignored. */
  static Options of(Map<String, String> values, Set<String> known, String what) {
    for (String key : values.keySet()) {
      if (!known.contains(key)) {
        log.warn("ignoring unknown {} option '{}' (known: {})", what, key, new TreeSet<>(known));
      }
    }
    return new Options(values);
  }

  int positiveInt(String key, int defaultValue) {
    String raw = values.get(key);
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
        "tcp option '" + key + "' must be a positive integer, got '" + raw + "'");
  }

  boolean bool(String key, boolean defaultValue) {
    String raw = values.get(key);
    if (raw == null || raw.isBlank()) {
      return defaultValue;
    }
    return switch (raw.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "tcp option '" + key + "' must be true or false, got '" + raw + "'");
    };
  }

  Optional<Path> path(String key) {
    String raw = values.get(key);
    return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(Path.of(raw.trim()));
  }
}

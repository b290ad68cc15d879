package io.linkgate.transport.grpc.internal;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport-specific settings ({@code options} in configuration), read with clear errors. An
 * unknown key is reported and ignored; a known key with a bad value stops the transport from being
 * created.
 */
final class Options {
  private static final Logger log = LoggerFactory.getLogger(Options.class);

  static final String THREADS = "threads";
  static final String EPOLL = "epoll";
  static final String MAX_IN_FLIGHT = "maxInFlight";
  static final String MAX_CALLS_PER_CONNECTION = "maxCallsPerConnection";
  static final String MAX_CONNECTION_AGE_MS = "maxConnectionAgeMs";
  static final String TRUST_CERTIFICATES = "trustCertificates";

  private final Map<String, String> values;
  private final String what;

  private Options(Map<String, String> values, String what) {
    this.values = values;
    this.what = what;
  }

  /** Reads {@code values} for {@code what} ("grpc downlink"); unknown keys are warned about. */
  static Options of(Map<String, String> values, Set<String> known, String what) {
    for (String key : values.keySet()) {
      if (!known.contains(key)) {
        log.warn("ignoring unknown {} option '{}' (known: {})", what, key, new TreeSet<>(known));
      }
    }
    return new Options(values, what);
  }

  int positiveInt(String key, int defaultValue) {
    long value = positiveLong(key, defaultValue);
    if (value > Integer.MAX_VALUE) {
      throw invalid(key, "a positive integer up to " + Integer.MAX_VALUE);
    }
    return (int) value;
  }

  long positiveLong(String key, long defaultValue) {
    String raw = values.get(key);
    if (raw == null || raw.isBlank()) {
      return defaultValue;
    }
    try {
      long value = Long.parseLong(raw.trim());
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(key, "a positive integer");
  }

  boolean bool(String key, boolean defaultValue) {
    String raw = values.get(key);
    if (raw == null || raw.isBlank()) {
      return defaultValue;
    }
    return switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(key, "true or false");
    };
  }

  Optional<Path> path(String key) {
    String raw = values.get(key);
    return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(Path.of(raw.trim()));
  }

  private IllegalArgumentException invalid(String key, String expected) {
    return new IllegalArgumentException(
        what + " option '" + key + "' must be " + expected + ", got '" + values.get(key) + "'");
  }
}

package io.linkgate.transport.tunnel.internal;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transport-specific options (strings from configuration), read with errors that name the option. A
 * key nobody reads is reported once and ignored, so a typo is seen rather than silently lost.
 */
public final class OptionReader {
  private static final Logger log = LoggerFactory.getLogger(OptionReader.class);

  private final Map<String, String> values;
  private final String what;

  private OptionReader(Map<String, String> values, String what) {
    this.values = values;
    this.what = what;
  }

  /** Reads {@code values}; {@code what} names the side in messages ("http-tunnel downlink"). */
  public static OptionReader of(Map<String, String> values, Set<String> known, String what) {
    for (String key : values.keySet()) {
      if (!known.contains(key)) {
        log.warn("ignoring unknown {} option '{}' (known: {})", what, key, new TreeSet<>(known));
      }
    }
    return new OptionReader(values, what);
  }

  public boolean has(String key) {
    String raw = values.get(key);
    return raw != null && !raw.isBlank();
  }

  public int positiveInt(String key, int defaultValue) {
    long value = positiveLong(key, defaultValue);
    if (value > Integer.MAX_VALUE) {
      throw invalid(key, "a positive integer up to " + Integer.MAX_VALUE);
    }
    return (int) value;
  }

  public long positiveLong(String key, long defaultValue) {
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

  public boolean bool(String key, boolean defaultValue) {
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

  /** One of {@code choices}, lower case. */
  public String choice(String key, String defaultValue, String... choices) {
    String raw = values.get(key);
    if (raw == null || raw.isBlank()) {
      return defaultValue;
    }
    String value = raw.trim().toLowerCase(Locale.ROOT);
    if (!Arrays.asList(choices).contains(value)) {
      throw invalid(key, "one of " + Arrays.toString(choices));
    }
    return value;
  }

  /** A comma-separated list, entries trimmed, empty ones dropped. */
  public List<String> list(String key) {
    String raw = values.get(key);
    if (raw == null || raw.isBlank()) {
      return List.of();
    }
    return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  public Optional<Path> path(String key) {
    String raw = values.get(key);
    return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(Path.of(raw.trim()));
  }

  private IllegalArgumentException invalid(String key, String expected) {
    return new IllegalArgumentException(
        what + " option '" + key + "' must be " + expected + ", got '" + values.get(key) + "'");
  }
}

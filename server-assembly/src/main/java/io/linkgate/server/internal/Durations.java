package io.linkgate.server.internal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The duration syntax of the config file and the CLI: a whole number and a unit, as in 250ms, 10s, 3m. */
public final class Durations {
  private static final Pattern SYNTAX = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");

  /** Shown in every error, so a typo is fixed without reading docs. */
  public static final String EXPECTED = "a number and a unit (ms, s, m, h or d), such as 250ms, 10s or 3m";

  private Durations() {}

  /**
   * @throws IllegalArgumentException naming the bad text and the expected syntax
   */
  public static Duration parse(String text) {
    Matcher m = SYNTAX.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("bad duration '" + text + "': expected " + EXPECTED);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /** The shortest exact form in the same syntax, for logs. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0 || ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}

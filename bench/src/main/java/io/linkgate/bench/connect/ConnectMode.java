package io.linkgate.bench.connect;

import java.time.Duration;

/**
 * How the clients of one measured pass connect: racing (stagger, attempts in flight) or one
 * endpoint after another, each with a connect timeout.
 */
record ConnectMode(String name, boolean racing, Duration stagger, int maxInFlight, Duration connectTimeout) {
  static ConnectMode racing(Duration stagger, int maxInFlight, Duration connectTimeout) {
    return new ConnectMode(
        "racing " + stagger.toMillis() + " ms x" + maxInFlight, true, stagger, maxInFlight, connectTimeout);
  }

  private static String text(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  static ConnectMode sequential(Duration connectTimeout) {
    return new ConnectMode(
        "sequential, " + text(connectTimeout) + " timeout", false, Duration.ZERO, 1, connectTimeout);
  }
}

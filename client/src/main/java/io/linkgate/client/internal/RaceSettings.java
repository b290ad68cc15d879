package io.linkgate.client.internal;

import java.time.Duration;

/**
 * How {@link RacingConnector} paces its attempts.
 *
 * @param stagger the wait before starting the next attempt while the earlier ones are still open
 * @param maxInFlight attempts open at once; 1 makes the race sequential
 * @param attemptTimeout a guard over each attempt, in case a transport never answers
 */
public record RaceSettings(Duration stagger, int maxInFlight, Duration attemptTimeout) {
  public RaceSettings {
    if (stagger.isNegative() || maxInFlight < 1 || attemptTimeout.isNegative() || attemptTimeout.isZero()) {
      throw new IllegalArgumentException("race needs stagger >= 0, maxInFlight >= 1 and a positive"
          + " attempt timeout, got " + stagger + ", " + maxInFlight + ", " + attemptTimeout);
    }
  }
}

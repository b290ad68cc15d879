package io.linkgate.client.internal;

import java.time.Duration;

/**
 * Tries the candidates strictly one after another, each until it completes the handshake, fails
 * or times out: a {@link Race} with one attempt in flight. The baseline racing is measured against
 * ({@code LinkgateClient.Builder.racing(false)}); being the same code with other settings, it
 * records the same outcomes, so the two compare fairly.
 */
public final class SequentialConnector {
  private SequentialConnector() {}

  /**
   * @param attemptTimeout a guard over each attempt in case a transport never answers; transports
   *     apply their own connect timeout first
   */
  public static Connector create(
      TransportPool transports, Scheduler scheduler, Duration attemptTimeout, OutcomeLog outcomes) {
    return new RacingConnector(
        transports, scheduler, new RaceSettings(Duration.ZERO, 1, attemptTimeout), outcomes);
  }
}

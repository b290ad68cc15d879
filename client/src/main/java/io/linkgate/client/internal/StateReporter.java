package io.linkgate.client.internal;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.client.ConnectionEvent;
import io.linkgate.client.ConnectionState;
import io.linkgate.client.ConnectionStateListener;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps the downlink's state and tells the app's listener about each change, in order. */
final class StateReporter {
  private static final Logger log = LoggerFactory.getLogger(StateReporter.class);

  private final Callbacks callbacks;
  private final ConnectionStateListener listener;
  private final LongSupplier heartbeatMs;
  private volatile ConnectionState state;

  /** @param heartbeatMs the heartbeat interval to report with each change */
  StateReporter(
      Callbacks callbacks,
      ConnectionStateListener listener,
      ConnectionState initial,
      LongSupplier heartbeatMs) {
    this.callbacks = callbacks;
    this.listener = listener;
    this.state = initial;
    this.heartbeatMs = heartbeatMs;
  }

  ConnectionState state() {
    return state;
  }

  /**
   * @param endpoint the endpoint concerned, or null
   * @param attempt the attempt concerned, 0 for none
   */
  void report(ConnectionState newState, String reason, Endpoint endpoint, int attempt) {
    state = newState;
    log.debug("downlink {} (attempt {}): {}", newState, attempt, reason);
    if (listener != null) {
      ConnectionEvent event = new ConnectionEvent(newState, reason, Optional.ofNullable(endpoint),
          attempt, Duration.ofMillis(heartbeatMs.getAsLong()));
      callbacks.run(() -> listener.onEvent(event));
    }
  }
}

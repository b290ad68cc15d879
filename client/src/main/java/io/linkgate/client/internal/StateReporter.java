package io.linkgate.client.internal;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.client.ConnectionEvent;
import io.linkgate.client.ConnectionState;
import io.linkgate.client.ConnectionStateListener;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps the downlink's state and tells the app's listener about each change, in order. */
final class StateReporter {
  private static final Logger log = LoggerFactory.getLogger(StateReporter.class);

  private final Callbacks callbacks;
  private final ConnectionStateListener listener;
  private volatile ConnectionState state;

  StateReporter(Callbacks callbacks, ConnectionStateListener listener, ConnectionState initial) {
    this.callbacks = callbacks;
    this.listener = listener;
    this.state = initial;
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
      ConnectionEvent event =
          new ConnectionEvent(newState, reason, Optional.ofNullable(endpoint), attempt);
      callbacks.run(() -> listener.onEvent(event));
    }
  }
}

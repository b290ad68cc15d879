package io.linkgate.client.internal;

import io.linkgate.client.ConnectionState;
import io.linkgate.client.ConnectionStateListener;
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

  void report(ConnectionState newState, String reason) {
    state = newState;
    log.debug("downlink {}: {}", newState, reason);
    if (listener != null) {
      callbacks.run(() -> listener.onStateChanged(newState, reason));
    }
  }
}

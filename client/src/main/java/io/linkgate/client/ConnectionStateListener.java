package io.linkgate.client;

/**
 * Hears about the downlink's state. Called on the client's callback thread, in order with pushes;
 * must not block for long.
 */
@FunctionalInterface
public interface ConnectionStateListener {
  /**
   * @param state the new state
   * @param reason a human-readable why (an endpoint, an error, a delay), never null
   */
  void onStateChanged(ConnectionState state, String reason);
}

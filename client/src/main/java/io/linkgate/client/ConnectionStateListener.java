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

  /**
   * The same change with its details: the endpoint (and so the transport) and the attempt number.
   * This is what the client calls; the default hands it to {@link #onStateChanged}. Override it
   * instead of that to see the details.
   */
  default void onEvent(ConnectionEvent event) {
    onStateChanged(event.state(), event.reason());
  }
}

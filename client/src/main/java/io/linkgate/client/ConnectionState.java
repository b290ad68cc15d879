package io.linkgate.client;

/** The downlink's state, as reported to a {@link ConnectionStateListener}. */
public enum ConnectionState {
  /** {@link LinkgateClient#connect()} was called and the first attempt is under way. */
  CONNECTING,
  /** The server welcomed the downlink; pushes flow. */
  CONNECTED,
  /** The downlink was lost; unless the client stops, {@link #RECONNECTING} follows. */
  DISCONNECTED,
  /** The next attempt is scheduled (the reason says when) or under way. */
  RECONNECTING,
  /**
   * No further attempt will be made: the client was closed, or the server refused the token and the
   * token supplier had no new one. Also the state before the first {@link LinkgateClient#connect()}.
   * {@code connect()} starts again.
   */
  STOPPED
}

package io.linkgate.api.transport;

/** Accepts uplink connections: short-lived, no heartbeat, closed when idle. */
public interface UplinkTransport extends Transport {
  /** Creates a transport; cheap, binds nothing until {@link #start()}. */
  interface Factory {
    UplinkTransport create(TransportSettings settings, SessionHandler handler);
  }
}

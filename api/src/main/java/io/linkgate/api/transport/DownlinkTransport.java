package io.linkgate.api.transport;

/** Accepts downlink connections: one long-lived connection per device, kept alive by heartbeats. */
public interface DownlinkTransport extends Transport {
  /** Creates a transport; cheap, binds nothing until {@link #start()}. */
  interface Factory {
    DownlinkTransport create(TransportSettings settings, SessionHandler handler);
  }
}

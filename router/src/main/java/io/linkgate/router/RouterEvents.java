package io.linkgate.router;

import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.TransportEvents;

/**
 * What a router tells a metrics system as it works. Called on transport threads and on the push
 * path: an implementation must not block, and should not allocate or lock per call (pre-create
 * its counters; Micrometer's are lock-free). Every method has an empty default.
 */
public interface RouterEvents {
  RouterEvents NONE = new RouterEvents() {};

  /** A downlink's handshake completed over {@code transport} (its provider's name). */
  default void downlinkOpened(String transport) {}

  /** A downlink that had opened is gone (closed by either side, replaced, or kicked). */
  default void downlinkClosed(String transport) {}

  /** An uplink was authenticated over {@code transport}. */
  default void uplinkOpened(String transport) {}

  /** A handshake refused: a bad token, a bad Hello, too many devices, the store unreachable. */
  default void handshakeRefused(Role role, ErrorCode code) {}

  /** A downlink's handshake finished; {@code complete} is {@code Welcome.resumed}. */
  default void resumed(boolean complete) {}

  /** A send answered: {@code code} null for a {@code SendAck}, else the {@code Error}'s code. */
  default void sendAnswered(ErrorCode code, long nanos) {}

  /** A retried send answered from the dedup window (here or, in a cluster, on another node). */
  default void dedupHit() {}

  /** Direct pushes stored in inboxes (each with its seq). */
  default void pushesStored(int count) {}

  /** Pushes refused before they were stored (too large, a bad user id, the store unreachable). */
  default void pushRefused(ErrorCode code) {}

  /** A room message delivered to {@code members} local members. */
  default void roomDelivered(int members) {}

  /**
   * The events of the transport named {@code transport}, which the router hands it through {@link
   * io.linkgate.api.transport.SessionHandler#events(String)}. Called once per transport, when it
   * is created: make its meters here. The default listens to nothing.
   */
  default TransportEvents transport(String transport) {
    return TransportEvents.NONE;
  }
}

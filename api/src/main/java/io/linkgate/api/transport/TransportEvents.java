package io.linkgate.api.transport;

import io.linkgate.api.EncodedFrame;
import java.util.function.LongSupplier;

/**
 * What one transport tells the node's metrics as it works. A transport asks for its instance once,
 * with {@link SessionHandler#events(String)}, and keeps it: the instance is already bound to the
 * transport's name, so a call is an increment, never a lookup.
 *
 * <p>Called on event loops and on the push path: an implementation must not block, and should not
 * lock or allocate per call. Every method has an empty default, so a transport may call any subset
 * and an implementation may listen to any subset.
 */
public interface TransportEvents {
  TransportEvents NONE = new TransportEvents() {};

  /**
   * A push was handed to the connection (written to the socket, or to the stream of a message
   * transport), {@code latencyNanos} after the router accepted it.
   */
  default void pushWritten(long latencyNanos) {}

  /**
   * Calls {@link #pushWritten} for {@code frame} if it carries the time the router accepted it; a
   * transport calls this for each frame it writes, with one {@code System.nanoTime()} per batch.
   * A frame queued after the batch read the clock counts as written at once, not before it was
   * accepted.
   */
  default void written(EncodedFrame frame, long nowNanos) {
    long accepted = frame.acceptedNanos();
    if (accepted != 0) {
      pushWritten(Math.max(0, nowNanos - accepted));
    }
  }

  /** A downlink was closed because its outbound queue passed its bound. */
  default void slowConsumerClosed() {}

  /** A downlink was closed because its client stopped sending within the heartbeat window. */
  default void heartbeatTimeout() {}

  /** A connection (or a request) met trouble of {@code kind}; it may or may not have been closed. */
  default void error(TransportError kind) {}

  /**
   * Tells how to read the bytes now queued in this transport's downlinks, not yet handed to the
   * socket. Called once, when the transport starts; {@code queuedBytes} is read when metrics are
   * scraped, from any thread, so the message path pays nothing for it.
   */
  default void outboundQueue(LongSupplier queuedBytes) {}
}

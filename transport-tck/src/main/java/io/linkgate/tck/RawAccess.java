package io.linkgate.tck;

import io.linkgate.api.proto.Endpoint;
import java.io.IOException;

/**
 * The escape hatch for what the client SPI cannot express: a connection on which the kit writes
 * oversized frames, garbage and nothing at all, and stops reading. Implemented by the transport's
 * own test (for TCP: a plain {@link java.net.Socket} writing varint-prefixed bytes).
 */
@FunctionalInterface
public interface RawAccess {
  /**
   * Connects to {@code endpoint} (its {@code role} says which listener) and sends nothing yet: no
   * handshake, no bytes. Returns once the connection is established.
   */
  RawConnection connect(Endpoint endpoint) throws IOException;
}

package io.linkgate.transport.grpc.internal;

import io.linkgate.api.GatewayException;
import org.slf4j.Logger;

/** Why the core refused to open a session, as the error the client is told. */
final class Refusals {
  private Refusals() {}

  /**
   * A refusal (a {@link GatewayException}: a bad token, say) is routine and logged at debug;
   * anything else is the core's bug, worth a warning but never a detail to the client.
   */
  static GatewayException log(Logger log, String remote, Throwable failure) {
    GatewayException refusal = GatewayException.from(failure);
    boolean routine = false;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      routine |= t instanceof GatewayException;
    }
    if (routine) {
      log.debug("{}: session refused: {} {}", remote, refusal.code(), refusal.getMessage());
    } else {
      log.warn("{}: the core failed to open a session", remote, failure);
    }
    return refusal;
  }
}

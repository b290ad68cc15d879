package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.transport.tunnel.internal.ErrorStatus;

/**
 * A request refused as a whole, with the status to answer it with: for refusals whose status does
 * not follow from the error code (413 for too many frames, 415 for a wrong content type, ...).
 */
final class HttpRefusal extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;
  final transient GatewayException error;

  HttpRefusal(int status, ErrorCode code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.error = new GatewayException(code, message);
  }

  /** The refusal behind {@code failure}: a {@link GatewayException} gets its code's status. */
  static HttpRefusal from(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof HttpRefusal r) {
        return r;
      }
    }
    GatewayException g = GatewayException.from(failure);
    return new HttpRefusal(ErrorStatus.of(g.code()), g.code(), g.getMessage());
  }
}

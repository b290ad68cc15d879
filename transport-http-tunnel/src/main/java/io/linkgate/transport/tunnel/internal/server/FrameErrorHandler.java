package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.transport.TransportError;
import io.linkgate.api.transport.TransportEvents;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.transport.tunnel.internal.ErrorStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the errors Jetty raises itself, before any handler of ours ran (a request line that is
 * not HTTP, headers over the size limit, ...), in the tunnel's format: an {@code Error} frame
 * instead of Jetty's HTML page. What the HTTP layer refuses is the tunnel's handshake refused:
 * garbage is {@code BAD_FRAME}, an oversized head {@code FRAME_TOO_LARGE}.
 */
final class FrameErrorHandler implements Request.Handler {
  private final TransportEvents events;

  FrameErrorHandler(TransportEvents events) {
    this.events = events;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    Object attribute = request.getAttribute(ErrorHandler.ERROR_STATUS);
    if (attribute instanceof Integer s) {
      status = s;
    }
    if (status < 400) {
      status = 500;
    }
    ErrorCode code = ErrorStatus.codeOf(status);
    TransportError kind = ErrorResponses.kindOf(code);
    if (kind != null) {
      events.error(kind);
    }
    Object message = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
    // Jetty's own reason phrases ("Illegal character CNTL=0x3") say nothing private.
    String text = message instanceof String m && status < 500 ? m : "HTTP " + status;
    ErrorResponses.write(request, response, callback, status, new GatewayException(code, text));
    return true;
  }
}

package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.proto.ErrorCode;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/** The content type a POST body of frames must declare. */
final class ContentTypes {
  private ContentTypes() {}

  /**
   * Refuses (415) a body that is not declared as frames. An empty body, the uplink's handshake
   * probe, may leave the type out.
   */
  static void requireFrames(Request request) {
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (type == null) {
      if (request.getLength() == 0) {
        return;
      }
    } else {
      int semicolon = type.indexOf(';');
      String media = (semicolon < 0 ? type : type.substring(0, semicolon)).trim();
      if (media.toLowerCase(Locale.ROOT).equals(TunnelProtocol.CONTENT_TYPE)) {
        return;
      }
    }
    throw new HttpRefusal(
        415,
        ErrorCode.INVALID_ARGUMENT,
        "the body must be '"
            + TunnelProtocol.CONTENT_TYPE
            + "', got "
            + (type == null ? "no Content-Type" : "'" + type + "'"));
  }
}

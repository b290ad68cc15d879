package io.linkgate.example.websocket.internal;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;

/**
 * Decides each upgrade request: refused while the transport does not accept (503) or from a page
 * of an origin not allowed (403); else a connection of the server's role, with the {@code
 * linkgate.v1} subprotocol when offered and no extensions.
 */
final class Negotiator implements WebSocketNegotiator {
  /** Jetty's own idle timer is only a backstop behind the heartbeat and idle deadlines. */
  private static final Duration BACKSTOP_MARGIN = Duration.ofSeconds(10);

  private final WsServer server;
  private final OriginPolicy origins;
  private final ServerContext cx;

  Negotiator(WsServer server, OriginPolicy origins, ServerContext cx) {
    this.server = server;
    this.origins = origins;
    this.cx = cx;
  }

  @Override
  public FrameHandler negotiate(
      ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
    if (server.refusing()) {
      Response.writeError(request, response, callback, 503, "not accepting connections");
      return null;
    }
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (!origins.allows(origin)) {
      Response.writeError(request, response, callback, 403, "origin " + origin + " is not allowed");
      return null;
    }
    if (request.hasSubProtocol(WsProtocol.SUBPROTOCOL)) {
      response.setAcceptedSubProtocol(WsProtocol.SUBPROTOCOL);
    }
    // No permessage-deflate, which browsers offer by default: it would cost an inflater and a
    // deflater per connection, and compress again for every member what a room encodes once.
    response.setExtensions(List.of());
    String remote = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
    return server.newConnection(remote, bearer(request.getHeaders().get(HttpHeader.AUTHORIZATION)));
  }

  @Override
  public void customize(Configuration configuration) {
    // A WebSocket frame whose header declares more than the limit is refused by Jetty's parser
    // before its body is read (close 1009); a message of many small frames that together pass it
    // is refused by MessageAssembler with Error FRAME_TOO_LARGE. Either way memory stays bounded.
    configuration.setAutoFragment(false);
    configuration.setMaxFrameSize(cx.limits().maxFrameBytes());
    configuration.setIdleTimeout(server.backstopIdleTimeout().plus(BACKSTOP_MARGIN));
  }

  private static String bearer(String authorization) {
    if (authorization == null
        || !authorization.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
      return null;
    }
    String token = authorization.substring("bearer ".length()).trim();
    return token.isEmpty() ? null : token;
  }
}

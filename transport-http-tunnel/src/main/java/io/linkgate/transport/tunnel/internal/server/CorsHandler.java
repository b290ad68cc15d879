package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.proto.ErrorCode;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Lets a browser page from an allowed origin use the tunnel: answers CORS preflights and marks
 * responses to such pages as readable. Requests without an {@code Origin}, or from an origin not
 * allowed, pass unchanged; the browser then keeps the response from the page. (Every tunnel request
 * carries {@code Authorization}, so a browser always asks first.)
 */
final class CorsHandler extends Handler.Wrapper {
  private static final String ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS";
  private static final String ALLOWED_HEADERS = "Authorization, Content-Type";
  private static final String EXPOSED_HEADERS =
      TunnelProtocol.ERROR_HEADER
          + ", "
          + TunnelProtocol.CLOSED_HEADER
          + ", Retry-After, WWW-Authenticate";
  private static final String MAX_AGE_SECONDS = "600";

  private final boolean anyOrigin;
  private final Set<String> origins;

  CorsHandler(List<String> origins, Handler next) {
    super(next);
    this.anyOrigin = origins.contains("*");
    this.origins = Set.copyOf(origins);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (HandshakeConnectionFactory.cameTooLate(request)) {
      callback.failed(new TimeoutException("request head completed after the handshake deadline"));
      return true;
    }
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin == null) {
      return super.handle(request, response, callback);
    }
    boolean allowed = anyOrigin || origins.contains(origin);
    boolean preflight =
        HttpMethod.OPTIONS.is(request.getMethod())
            && request.getHeaders().contains(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD);
    if (!allowed) {
      if (preflight) {
        ErrorResponses.write(
            request,
            response,
            callback,
            ErrorCode.FORBIDDEN,
            "origin " + origin + " is not allowed");
        return true;
      }
      return super.handle(request, response, callback);
    }
    var headers = response.getHeaders();
    headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.add(HttpHeader.VARY, "Origin");
    if (preflight) {
      headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS);
      headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS);
      headers.put(HttpHeader.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS);
      response.setStatus(204);
      callback.succeeded();
      return true;
    }
    headers.put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
    return super.handle(request, response, callback);
  }
}

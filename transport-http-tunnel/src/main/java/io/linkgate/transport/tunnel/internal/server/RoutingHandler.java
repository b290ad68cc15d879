package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.transport.TransportEvents;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Role;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Sends each request to the endpoint for its path and method, and answers the rest: 404 for a path
 * this port does not serve, 405 (with {@code Allow}) for a method its path does not take. The
 * uplink server serves the uplink path only, the downlink server the downlink path only, as TCP
 * ports serve one role. Nothing here blocks.
 */
final class RoutingHandler extends Handler.Abstract.NonBlocking {
  private static final String UPLINK_METHODS = "POST, OPTIONS";
  private static final String DOWNLINK_METHODS = "GET, POST, DELETE, OPTIONS";

  private final Role role;
  private final UplinkHandler uplink;
  private final StreamHandler stream;
  private final PollHandler poll;
  private final SessionRequestsHandler sessionRequests;
  private final TransportEvents events;

  RoutingHandler(Role role, TunnelContext ctx) {
    this.role = role;
    this.events = ctx.events();
    Identities identities = new Identities(ctx);
    this.uplink = new UplinkHandler(ctx);
    this.stream = new StreamHandler(ctx);
    this.poll = new PollHandler(ctx, identities);
    this.sessionRequests = new SessionRequestsHandler(ctx, identities);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (HandshakeConnectionFactory.cameTooLate(request)) {
      callback.failed(new TimeoutException("request head completed after the handshake deadline"));
      return true;
    }
    String path = request.getHttpURI().getPath();
    String method = request.getMethod();
    try {
      if (role == Role.UPLINK && TunnelProtocol.UPLINK_PATH.equals(path)) {
        if (HttpMethod.POST.is(method)) {
          return uplink.handle(request, response, callback);
        }
        return other(request, response, callback, UPLINK_METHODS);
      }
      if (role == Role.DOWNLINK && TunnelProtocol.DOWNLINK_PATH.equals(path)) {
        if (HttpMethod.GET.is(method)) {
          TunnelRequest params = TunnelRequest.of(request);
          if (params.poll()) {
            poll.handle(request, response, callback, params);
          } else {
            stream.handle(request, response, callback, params);
          }
          return true;
        }
        if (HttpMethod.POST.is(method)) {
          TunnelRequest params = TunnelRequest.of(request);
          if (params.end()) {
            sessionRequests.delete(request, response, callback, params);
          } else {
            sessionRequests.post(request, response, callback, params);
          }
          return true;
        }
        if (HttpMethod.DELETE.is(method)) {
          sessionRequests.delete(request, response, callback, TunnelRequest.of(request));
          return true;
        }
        return other(request, response, callback, DOWNLINK_METHODS);
      }
      String served =
          role == Role.UPLINK
              ? "POST " + TunnelProtocol.UPLINK_PATH
              : "GET/POST/DELETE " + TunnelProtocol.DOWNLINK_PATH;
      ErrorResponses.refuse(
          events,
          request,
          response,
          callback,
          new HttpRefusal(
              404,
              ErrorCode.INVALID_ARGUMENT,
              "no such endpoint " + path + "; this port serves " + served));
    } catch (RuntimeException e) {
      ErrorResponses.refuse(events, request, response, callback, e);
    }
    return true;
  }

  /** OPTIONS lists the methods; anything else is refused with 405. */
  private boolean other(
      Request request, Response response, Callback callback, String allow) {
    response.getHeaders().put(HttpHeader.ALLOW, allow);
    if (HttpMethod.OPTIONS.is(request.getMethod())) {
      response.setStatus(204);
      callback.succeeded();
      return true;
    }
    ErrorResponses.refuse(
        events,
        request,
        response,
        callback,
        new HttpRefusal(
            405,
            ErrorCode.INVALID_ARGUMENT,
            request.getMethod() + " is not allowed here; allowed: " + allow));
    return true;
  }
}

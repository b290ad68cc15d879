package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.transport.FrameAnswers;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What a client says about its open downlink session, which a GET cannot carry:
 *
 * <ul>
 *   <li>{@code POST /v1/tunnel/downlink?session_id=S}: the frames a TCP client would send on its
 *       downlink connection ({@code Ping}, {@code PushAck}, {@code Subscribe}, {@code
 *       Unsubscribe}), answered in order in the response and, as on TCP, down the downlink too. A
 *       bad frame ends the downlink with its error, as it ends a TCP connection.
 *   <li>{@code DELETE /v1/tunnel/downlink?session_id=S}, or a {@code POST} with {@code end=true}
 *       for proxies that pass only GET and POST: the client closes its downlink; answered 204.
 * </ul>
 */
final class SessionRequestsHandler {
  private final TunnelContext ctx;
  private final Identities identities;

  SessionRequestsHandler(TunnelContext ctx, Identities identities) {
    this.ctx = ctx;
    this.identities = identities;
  }

  void post(Request request, Response response, Callback callback, TunnelRequest params) {
    params.requireSessionId();
    ContentTypes.requireFrames(request);
    session(request, params)
        .thenCompose(
            downlink ->
                RequestBody.read(request, ctx)
                    .thenCompose(
                        body ->
                            FrameAnswers.each(body.frames(), downlink::onClientFrame)
                                .thenApply(
                                    answers -> {
                                      if (body.badFrame() != null) {
                                        downlink.close(body.badFrame().toFrame());
                                      }
                                      return new RequestBody.Frames(answers, body.badFrame());
                                    })))
        .whenComplete(
            (body, failure) -> {
              if (failure != null) {
                ErrorResponses.refuse(ctx.events(), request, response, callback, failure);
              } else {
                Answers.write(request, response, callback, body.frames(), body.badFrame());
              }
            });
  }

  void delete(Request request, Response response, Callback callback, TunnelRequest params) {
    params.requireSessionId();
    session(request, params)
        .whenComplete(
            (downlink, failure) -> {
              if (failure != null) {
                ErrorResponses.refuse(ctx.events(), request, response, callback, failure);
                return;
              }
              downlink.close(null);
              response.setStatus(204);
              callback.succeeded();
            });
  }

  private CompletableFuture<TunnelDownlink> session(Request request, TunnelRequest params) {
    return identities
        .userOf(request, params)
        .thenApply(
            userId -> {
              TunnelDownlink downlink =
                  ctx.sessions().find(params.sessionId(), userId, params.deviceId());
              if (downlink == null) {
                throw new HttpRefusal(
                    404,
                    ErrorCode.INVALID_ARGUMENT,
                    "no open downlink session '" + params.sessionId() + "' for this device");
              }
              downlink.clientSeen(); // any request about the session shows its client alive
              return downlink;
            });
  }
}

package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.FrameAnswers;
import io.linkgate.api.transport.UplinkSession;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /v1/tunnel/uplink}: every request is an uplink of its own. It authenticates (the core
 * opens an uplink session, which costs no store access), then its frames are answered in order; an
 * empty body is the handshake probe and is answered with the session's {@code Welcome}. No state is
 * kept between requests.
 */
final class UplinkHandler implements Request.Handler {
  private final TunnelContext ctx;

  UplinkHandler(TunnelContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    TunnelRequest params = TunnelRequest.of(request);
    ContentTypes.requireFrames(request);
    ctx.deadline()
        .bound(
            ctx.core()
                .openUplink(params.hello(Role.UPLINK), ctx.connectionInfo(request, Role.UPLINK, 0)),
            UplinkSession::onClosed)
        .thenCompose(
            session ->
                RequestBody.read(request, ctx)
                    .thenCompose(body -> answer(session, body))
                    .whenComplete((done, failure) -> session.onClosed()))
        .whenComplete(
            (body, failure) -> {
              if (failure != null) {
                ErrorResponses.refuse(ctx.events(), request, response, callback, failure);
              } else {
                Answers.writeUplink(request, response, callback, body.frames(), body.badFrame());
              }
            });
    return true;
  }

  /** The answers to the body's frames (the Welcome for an empty body), as a body to write. */
  private static CompletableFuture<RequestBody.Frames> answer(
      UplinkSession session, RequestBody.Frames body) {
    if (body.frames().isEmpty() && body.badFrame() == null) {
      Frame welcome = Frame.newBuilder().setWelcome(session.welcome()).build();
      return CompletableFuture.completedFuture(new RequestBody.Frames(List.of(welcome), null));
    }
    return FrameAnswers.all(FrameAnswers.of(session, body.frames()))
        .thenApply(all -> new RequestBody.Frames(all, body.badFrame()));
  }
}

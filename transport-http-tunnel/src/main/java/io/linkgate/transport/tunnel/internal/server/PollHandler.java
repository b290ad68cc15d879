package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Role;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /v1/tunnel/downlink?mode=poll}: the first poll (no session id, or one this server no
 * longer knows for the device) opens a session and is answered at once with its {@code Welcome} and
 * replay; later polls name the session and wait for frames.
 */
final class PollHandler {
  private final TunnelContext ctx;
  private final Identities identities;

  PollHandler(TunnelContext ctx, Identities identities) {
    this.ctx = ctx;
    this.identities = identities;
  }

  void handle(Request request, Response response, Callback callback, TunnelRequest params) {
    if (params.sessionId().isEmpty()) {
      open(request, response, callback, params);
      return;
    }
    identities
        .userOf(request, params)
        .whenComplete(
            (userId, failure) -> {
              if (failure != null) {
                ErrorResponses.refuse(request, response, callback, failure);
                return;
              }
              TunnelDownlink found =
                  ctx.sessions().find(params.sessionId(), userId, params.deviceId());
              if (found instanceof PollDownlink poll) {
                poll.poll(request, response, callback, params.resumeFromSeq(), holdMs(params));
              } else {
                open(request, response, callback, params); // expired, or never was: start over
              }
            });
  }

  private long holdMs(TunnelRequest params) {
    long server = ctx.settings().pollHoldMs();
    return params.holdMs() > 0 ? Math.min(server, params.holdMs()) : server;
  }

  private void open(Request request, Response response, Callback callback, TunnelRequest params) {
    DownlinkSessions sessions = ctx.sessions();
    if (!sessions.reservePoll()) {
      ErrorResponses.write(
          request,
          response,
          callback,
          ErrorCode.UNAVAILABLE,
          "too many poll sessions; retry later");
      return;
    }
    int granted = ctx.limits().grantHeartbeatMs(params.heartbeatMs());
    long expiryMs = ctx.settings().pollHoldMs() + ctx.limits().heartbeatTimeout(granted).toMillis();
    int bound = ctx.limits().outboundQueueBytes();
    PollQueue queue = new PollQueue(bound, ctx.executor());
    PollDownlink downlink =
        new PollDownlink(
            params.deviceId(),
            queue,
            ctx.executor(),
            ctx.scheduler(),
            expiryMs,
            bound,
            ended -> {
              sessions.remove(ended);
              sessions.releasePoll();
            });
    ctx.deadline()
        .bound(
            ctx.core()
                .openDownlink(
                    params.hello(Role.DOWNLINK),
                    ctx.connectionInfo(request, Role.DOWNLINK, granted),
                    queue),
            late -> {
              downlink.opened(late, queue.welcome());
              queue.drainNow();
            })
        .whenComplete(
            (session, failure) -> {
              if (failure != null) {
                sessions.releasePoll();
                ErrorResponses.refuse(request, response, callback, failure);
                return;
              }
              downlink.opened(session, queue.welcome());
              sessions.add(downlink);
              downlink.start();
              downlink.answerNow(response, callback);
            });
  }
}

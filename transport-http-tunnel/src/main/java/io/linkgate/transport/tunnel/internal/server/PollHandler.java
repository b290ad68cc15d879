package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.proto.Role;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /v1/tunnel/downlink?mode=poll}: the first poll (no session id, or one this server no
 * longer knows for the device) opens a session and is answered at once with its {@code Welcome} and
 * replay; later polls name the session and wait for frames.
 *
 * <p>Every poll is authenticated first, so that a session is opened in its user's slots: one per
 * device (a device's new session replaces and ends its old one at once, as the core replaces it)
 * and a bounded number per user and per server (see {@link DownlinkSessions}).
 */
final class PollHandler {
  private final TunnelContext ctx;
  private final Identities identities;

  PollHandler(TunnelContext ctx, Identities identities) {
    this.ctx = ctx;
    this.identities = identities;
  }

  void handle(Request request, Response response, Callback callback, TunnelRequest params) {
    identities
        .userOf(request, params)
        .whenComplete(
            (userId, failure) -> {
              if (failure != null) {
                ErrorResponses.refuse(ctx.events(), request, response, callback, failure);
                return;
              }
              TunnelDownlink found =
                  params.sessionId().isEmpty()
                      ? null
                      : ctx.sessions().find(params.sessionId(), userId, params.deviceId());
              if (found instanceof PollDownlink poll) {
                poll.poll(request, response, callback, params.resumeFromSeq(), holdMs(params));
                return;
              }
              try {
                open(request, response, callback, params, userId); // new, expired, or never was
              } catch (RuntimeException e) {
                ErrorResponses.refuse(ctx.events(), request, response, callback, e);
              }
            });
  }

  private long holdMs(TunnelRequest params) {
    long server = ctx.settings().pollHoldMs();
    return params.holdMs() > 0 ? Math.min(server, params.holdMs()) : server;
  }

  private void open(
      Request request, Response response, Callback callback, TunnelRequest params, String userId) {
    DownlinkSessions sessions = ctx.sessions();
    DownlinkSessions.PollSlot slot = sessions.reservePoll(userId, params.deviceId());
    int granted = ctx.limits().grantHeartbeatMs(params.heartbeatMs());
    long expiryMs = ctx.settings().pollExpiryMs(ctx.limits().heartbeatTimeout(granted).toMillis());
    int bound = ctx.limits().outboundQueueBytes();
    PollQueue queue = new PollQueue(bound, ctx.executor(), ctx.events());
    PollDownlink downlink =
        new PollDownlink(
            params.deviceId(),
            queue,
            ctx.executor(),
            ctx.scheduler(),
            expiryMs,
            ctx.settings().pollHoldMs(),
            bound,
            ended -> sessions.releasePoll(slot, ended));
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
                sessions.releasePoll(slot, null);
                ErrorResponses.refuse(ctx.events(), request, response, callback, failure);
                return;
              }
              downlink.opened(session, queue.welcome());
              PollDownlink replaced = sessions.addPoll(slot, downlink);
              if (replaced != null) {
                // The core has replaced it already; its client's next poll finds it gone.
                replaced.terminate();
              }
              downlink.start();
              downlink.answerNow(response, callback);
            });
  }
}

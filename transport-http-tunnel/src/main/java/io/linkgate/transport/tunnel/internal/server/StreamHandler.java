package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/tunnel/downlink} (streaming, the default): the response is the downlink. The core
 * writes {@code Welcome} and any replay into it while it opens the session, then pushes follow as
 * they happen; a refusal before anything was written is an error status instead.
 */
final class StreamHandler {
  private static final Logger log = LoggerFactory.getLogger(StreamHandler.class);

  private final TunnelContext ctx;

  StreamHandler(TunnelContext ctx) {
    this.ctx = ctx;
  }

  void handle(Request request, Response response, Callback callback, TunnelRequest params) {
    int granted = ctx.limits().grantHeartbeatMs(params.heartbeatMs());
    response.setStatus(200);
    var headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, TunnelProtocol.CONTENT_TYPE);
    headers.put(HttpHeader.CACHE_CONTROL, "no-cache, no-store");
    headers.put("X-Accel-Buffering", "no"); // nginx and friends: do not buffer this response

    StreamingDownlinkChannel channel =
        new StreamingDownlinkChannel(
            response, callback, ctx.limits().outboundQueueBytes(), ctx.executor(), ctx.events());
    StreamDownlink downlink = new StreamDownlink(params.deviceId(), channel, ctx.executor());
    request.addFailureListener(channel::abort);
    channel
        .finished()
        .thenRun(
            () -> {
              ctx.sessions().remove(downlink);
              downlink.ended();
            });
    ctx.deadline()
        .bound(
            ctx.core()
                .openDownlink(
                    params.hello(Role.DOWNLINK),
                    ctx.connectionInfo(request, Role.DOWNLINK, granted),
                    channel),
            late -> downlink.opened(late, channel.welcome()))
        .whenComplete(
            (session, failure) -> {
              if (failure != null) {
                refused(request, response, callback, channel, failure);
              } else {
                opened(downlink, session, granted);
              }
            });
  }

  private void opened(StreamDownlink downlink, DownlinkSession session, int granted) {
    downlink.opened(session, downlink.channel().welcome());
    // The heartbeat miss window starts with the session, as on TCP: time spent authenticating is
    // the handshake timeout's, and under load it could otherwise eat the client's first interval.
    downlink.clientSeen();
    ctx.sessions().add(downlink);
    downlink.channel().release(); // the Welcome goes out once its session can take requests
    if (downlink.channel().finished().isDone()) {
      ctx.sessions().remove(downlink); // it ended meanwhile; its own removal may have run first
      return;
    }
    new StreamClock(
            downlink,
            ctx.scheduler(),
            ctx.settings().pingIntervalMs(granted),
            ctx.limits().heartbeatTimeout(granted).toMillis(),
            ctx.settings().maxAgeMs(),
            granted)
        .start();
  }

  private void refused(
      Request request,
      Response response,
      Callback callback,
      StreamingDownlinkChannel channel,
      Throwable failure) {
    if (channel.abandonIfUnwritten()) {
      ErrorResponses.refuse(ctx.events(), request, response, callback, failure);
    } else {
      // The stream had begun (a timeout that raced the Welcome): end it with the reason.
      log.debug("downlink refused after it began: {}", failure.toString());
      channel.close(GatewayException.from(failure).toFrame());
    }
  }
}

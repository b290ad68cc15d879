package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.UplinkSession;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.server.Request;

/**
 * Who sends a request that belongs to an existing downlink session (its frames, its polls, its
 * end). The core authenticates the token the way it does for an uplink, which costs no store
 * access; the session itself is only found if it belongs to that user's device.
 */
final class Identities {
  private final TunnelContext ctx;

  Identities(TunnelContext ctx) {
    this.ctx = ctx;
  }

  /** The user id the request's token names; fails with the core's refusal. */
  CompletableFuture<String> userOf(Request request, TunnelRequest params) {
    return ctx.deadline()
        .bound(
            ctx.core()
                .openUplink(params.hello(Role.UPLINK), ctx.connectionInfo(request, Role.UPLINK, 0)),
            UplinkSession::onClosed)
        .thenApply(
            session -> {
              session.onClosed();
              return session.welcome().getUserId();
            });
  }
}

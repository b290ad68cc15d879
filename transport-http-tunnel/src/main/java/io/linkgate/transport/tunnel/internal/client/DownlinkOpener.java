package io.linkgate.transport.tunnel.internal.client;

import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Hello;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a downlink the configured way. In {@code auto} mode the stream is tried first; when its
 * Welcome does not arrive within the stall window (a proxy that buffers whole responses holds it
 * back) the downlink is long-polled instead, within what is left of the connect timeout, and later
 * opens to that endpoint poll at once for a while.
 */
final class DownlinkOpener {
  private static final Logger log = LoggerFactory.getLogger(DownlinkOpener.class);

  private DownlinkOpener() {}

  static CompletionStage<ClientDownlink> open(
      ClientContext ctx, Endpoint endpoint, Hello hello, ClientDownlink.Listener listener) {
    long connectMs = Math.max(1, ctx.options().connectTimeout().toMillis());
    return switch (ctx.settings().mode()) {
      case STREAM -> StreamingClientDownlink.open(ctx, endpoint, hello, listener, connectMs);
      case POLL -> PollingClientDownlink.open(ctx, endpoint, hello, listener, connectMs);
      case AUTO -> auto(ctx, endpoint, hello, listener, connectMs);
    };
  }

  private static CompletionStage<ClientDownlink> auto(
      ClientContext ctx,
      Endpoint endpoint,
      Hello hello,
      ClientDownlink.Listener listener,
      long connectMs) {
    long welcomeMs =
        ctx.settings().stallMs() > 0
            ? Math.min(ctx.settings().stallMs(), connectMs)
            : Math.max(1, connectMs / 2);
    if (ctx.fallbacks().shouldPoll(endpoint)) {
      return PollingClientDownlink.open(ctx, endpoint, hello, listener, connectMs);
    }
    long started = System.nanoTime();
    return StreamingClientDownlink.open(ctx, endpoint, hello, listener, welcomeMs)
        .handle(
            (stream, failure) -> {
              if (failure == null) {
                return CompletableFuture.completedFuture(stream);
              }
              Throwable cause = FramePoster.unwrap(failure);
              if (!(cause instanceof StreamingClientDownlink.NoWelcome)) {
                return CompletableFuture.<ClientDownlink>failedFuture(cause);
              }
              log.debug("{}; long-polling instead", cause.getMessage());
              ctx.fallbacks().streamFailed(endpoint);
              long leftMs = connectMs - (System.nanoTime() - started) / 1_000_000;
              return PollingClientDownlink.open(
                  ctx, endpoint, hello, listener, Math.max(1, leftMs));
            })
        .thenCompose(stage -> stage);
  }
}

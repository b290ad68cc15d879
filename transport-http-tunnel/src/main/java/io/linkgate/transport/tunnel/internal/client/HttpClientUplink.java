package io.linkgate.transport.tunnel.internal.client;

import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Welcome;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An uplink over HTTP. Opening it is one empty POST, answered with the {@code Welcome}; after that
 * no state lives on the server between requests, so "open" means: not closed here, and no request
 * has failed for want of a connection or a valid token.
 */
final class HttpClientUplink implements ClientUplink {
  private final ClientContext ctx;
  private final Welcome welcome;
  private final FramePoster poster;
  private final Runnable closer = this::close;

  private HttpClientUplink(ClientContext ctx, Welcome welcome, FramePoster poster) {
    this.ctx = ctx;
    this.welcome = welcome;
    this.poster = poster;
  }

  static CompletionStage<ClientUplink> open(ClientContext ctx, Endpoint endpoint, Hello hello) {
    URI uri =
        TunnelUris.of(endpoint, TunnelProtocol.UPLINK_PATH, hello)
            .add(TunnelProtocol.CLIENT_VERSION, hello.getClientVersion())
            .uri();
    HttpRequest probe =
        ClientRequests.post(uri, hello.getToken(), List.of())
            .timeout(ClientRequests.atLeastOneMs(ctx.options().connectTimeout().toMillis()))
            .build();
    return ctx.http()
        .sendAsync(probe, Responses.frames(ctx.options().maxFrameBytes(), 1))
        .thenCompose(
            response -> {
              List<Frame> frames = response.body();
              if (frames.size() != 1 || !frames.get(0).hasWelcome()) {
                return CompletableFuture.failedFuture(
                    new IOException("expected Welcome, the server sent " + frames));
              }
              // The uplink's end shows in isOpen and in its failed calls: nobody to tell.
              FramePoster poster = new FramePoster(ctx, uri, hello.getToken(), cause -> {});
              HttpClientUplink up = new HttpClientUplink(ctx, frames.get(0).getWelcome(), poster);
              ctx.links().add(up.closer);
              return CompletableFuture.completedFuture((ClientUplink) up);
            });
  }

  @Override
  public Welcome welcome() {
    return welcome;
  }

  @Override
  public CompletionStage<Frame> call(Frame frame) {
    return poster.call(frame);
  }

  @Override
  public boolean isOpen() {
    return poster.isOpen();
  }

  @Override
  public void close() {
    poster.close(new IOException("uplink closed"));
    ctx.links().remove(closer);
  }
}

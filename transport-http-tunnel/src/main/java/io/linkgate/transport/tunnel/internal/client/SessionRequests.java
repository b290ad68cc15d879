package io.linkgate.transport.tunnel.internal.client;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests about one open downlink session: the frames its client sends (POSTed, batched like
 * uplink frames; their answers also come down the downlink, where the listener gets them, so the
 * POST's own answers are not passed on) and its end (DELETE).
 */
final class SessionRequests {
  private static final Logger log = LoggerFactory.getLogger(SessionRequests.class);

  private final ClientContext ctx;
  private final URI uri;
  private final URI endUri;
  private final String token;
  private final FramePoster poster;

  /**
   * @param broken told why, once, if the session's requests can no longer get through (the
   *     connection is lost or refused, the token refused, the session unknown to the server): the
   *     downlink then ends rather than stay open without its acks and pings
   */
  SessionRequests(
      ClientContext ctx,
      Endpoint endpoint,
      Hello hello,
      String sessionId,
      Consumer<Throwable> broken) {
    this.ctx = ctx;
    this.uri =
        TunnelUris.of(endpoint, TunnelProtocol.DOWNLINK_PATH, hello)
            .add(TunnelProtocol.SESSION_ID, sessionId)
            .uri();
    this.endUri =
        TunnelUris.of(endpoint, TunnelProtocol.DOWNLINK_PATH, hello)
            .add(TunnelProtocol.SESSION_ID, sessionId)
            .add(TunnelProtocol.END, "true")
            .uri();
    this.token = hello.getToken();
    this.poster = new FramePoster(ctx, uri, token, broken);
  }

  /** Sends {@code frame} for the session; never blocks. */
  void send(Frame frame) {
    poster
        .call(frame)
        .whenComplete(
            (answer, failure) -> {
              if (failure != null) {
                log.debug(
                    "{} for the downlink not delivered: {}",
                    frame.getKindCase(),
                    failure.toString());
              }
            });
  }

  /** Tells the server the session is over; fire and forget. */
  void end() {
    poster.close(new IOException("downlink closed"));
    ctx.http()
        .sendAsync(
            // A POST rather than DELETE: proxies that pass nothing but GET and POST are the
            // tunnel's reason to exist.
            ClientRequests.post(endUri, token, List.of())
                .timeout(ClientRequests.atLeastOneMs(ctx.options().connectTimeout().toMillis()))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, failure) -> {
              if (failure != null) {
                log.debug("ending downlink session failed: {}", failure.toString());
              }
            });
  }
}

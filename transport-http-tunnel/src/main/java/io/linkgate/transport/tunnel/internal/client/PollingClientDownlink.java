package io.linkgate.transport.tunnel.internal.client;

import io.linkgate.api.GatewayException;
import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Welcome;
import io.linkgate.transport.tunnel.internal.ErrorStatus;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A downlink carried by long-polls. The first poll opens the session and brings its Welcome; each
 * later poll carries the seq of the last push handed to the listener, which tells the server which
 * pushes arrived (it sends again what did not, and this side drops what it already has).
 *
 * <p>The transport keeps polling by itself, retrying a failed poll until the server would have
 * expired the session (hold time plus the heartbeat miss window); the listener's {@code onClosed}
 * comes only when the session is gone: the server ended it, refused the token, or stopped answering
 * for that long.
 */
final class PollingClientDownlink implements ClientDownlink {
  /** Delays between attempts at a failed poll. */
  private static final long FIRST_RETRY_MS = 100;

  private static final long MAX_RETRY_MS = 2_000;

  private final ClientContext ctx;
  private final Endpoint endpoint;
  private final Hello hello;
  private final ListenerGate gate;
  private final long holdMs;
  private final CompletableFuture<ClientDownlink> opened = new CompletableFuture<>();
  private final Runnable closer = this::close;
  private volatile Welcome welcome;
  private volatile SessionRequests session;
  private volatile boolean closedByUs;
  private long lastSeq; // the poll loop's own: one poll at a time
  private boolean replaced; // the poll loop's own
  private long lastAnswerNanos;
  private long retryMs = FIRST_RETRY_MS;

  private PollingClientDownlink(
      ClientContext ctx, Endpoint endpoint, Hello hello, ClientDownlink.Listener listener) {
    this.ctx = ctx;
    this.endpoint = endpoint;
    this.hello = hello;
    this.gate = new ListenerGate(listener);
    this.holdMs = ctx.settings().pollHoldMs();
    this.lastSeq = hello.getResumeFromSeq();
    this.lastAnswerNanos = System.nanoTime();
  }

  /**
   * Opens a session; the stage fails if the first poll is not answered within {@code timeoutMs}.
   */
  static CompletionStage<ClientDownlink> open(
      ClientContext ctx,
      Endpoint endpoint,
      Hello hello,
      ClientDownlink.Listener listener,
      long timeoutMs) {
    PollingClientDownlink d = new PollingClientDownlink(ctx, endpoint, hello, listener);
    d.first(timeoutMs);
    return d.opened;
  }

  private void first(long timeoutMs) {
    URI uri =
        TunnelUris.of(endpoint, TunnelProtocol.DOWNLINK_PATH, hello)
            .add(TunnelProtocol.MODE, TunnelProtocol.MODE_POLL)
            .add(TunnelProtocol.RESUME_FROM_SEQ, hello.getResumeFromSeq())
            .add(TunnelProtocol.RESUME_EPOCH, hello.getResumeEpoch())
            .add(TunnelProtocol.HEARTBEAT_MS, Integer.toUnsignedLong(hello.getHeartbeatMs()))
            .add(TunnelProtocol.CLIENT_VERSION, hello.getClientVersion())
            .uri();
    send(uri, timeoutMs)
        .whenComplete(
            (response, failure) -> {
              if (failure != null) {
                opened.completeExceptionally(FramePoster.unwrap(failure));
                if (welcome != null) {
                  end(FramePoster.unwrap(failure)); // it opened, then the response broke
                }
              } else if (welcome == null) {
                opened.completeExceptionally(new IOException("the first poll brought no Welcome"));
              } else {
                answered(response);
              }
            });
  }

  /** The next poll, on its own once the previous one is answered. */
  private void poll() {
    if (closedByUs || gate.isClosed()) {
      return;
    }
    URI uri =
        TunnelUris.of(endpoint, TunnelProtocol.DOWNLINK_PATH, hello)
            .add(TunnelProtocol.MODE, TunnelProtocol.MODE_POLL)
            .add(TunnelProtocol.SESSION_ID, welcome.getSessionId())
            .add(TunnelProtocol.RESUME_FROM_SEQ, lastSeq)
            .add(TunnelProtocol.HOLD_MS, holdMs)
            .uri();
    // The server answers within its hold; a poll outstanding much longer is lost on the way.
    long timeoutMs = holdMs + ctx.settings().stallMs(welcome.getHeartbeatMs());
    send(uri, timeoutMs)
        .whenComplete(
            (response, failure) -> {
              if (failure != null) {
                pollFailed(FramePoster.unwrap(failure));
              } else {
                answered(response);
              }
            });
  }

  /**
   * Sends a poll. Its frames go to {@link #onPolledFrame} as they arrive; the response's value says
   * whether it carried the session's last frames.
   */
  private CompletableFuture<HttpResponse<Boolean>> send(URI uri, long timeoutMs) {
    HttpRequest request =
        ClientRequests.get(uri, hello.getToken())
            .timeout(ClientRequests.atLeastOneMs(timeoutMs))
            .build();
    int maxFrameBytes = ctx.options().maxFrameBytes();
    CompletableFuture<HttpResponse<Boolean>> sent =
        ctx.http()
            .sendAsync(
                request,
                info -> {
                  if (info.statusCode() != 200) {
                    return HttpResponse.BodySubscribers.mapping(
                        Responses.frames(maxFrameBytes, 1).apply(info), refused -> false);
                  }
                  boolean last =
                      info.headers().firstValue(TunnelProtocol.CLOSED_HEADER).isPresent();
                  return HttpResponse.BodySubscribers.mapping(
                      new FrameSubscriber(maxFrameBytes, this::onPolledFrame), v -> last);
                });
    return sent;
  }

  /** One frame of a poll response, in order. */
  private void onPolledFrame(Frame f) {
    if (f.hasWelcome()) {
      if (welcome == null && !closedByUs) {
        opened(f.getWelcome());
      } else {
        // A session this side does not want: the server no longer knew ours and opened a new
        // one, or a poll crossed this side's close. End it rather than let it wait for expiry.
        new SessionRequests(ctx, endpoint, hello, f.getWelcome().getSessionId(), cause -> {})
            .end();
        replaced = welcome != null;
      }
      return;
    }
    if (welcome == null) {
      throw new IllegalStateException("expected Welcome, the server sent " + f.getKindCase());
    }
    if (closedByUs || replaced) {
      return;
    }
    if (f.hasPing()) {
      return;
    }
    if (f.hasPush() && f.getPush().getSeq() > 0) {
      long seq = f.getPush().getSeq();
      if (Long.compareUnsigned(seq, lastSeq) <= 0) {
        return; // sent again because a response was lost; this side has it
      }
      lastSeq = seq;
    }
    gate.frame(f);
  }

  private void opened(Welcome w) {
    welcome = w;
    // Its polls notice a session the server lost, or a server gone, and end it then.
    session = new SessionRequests(ctx, endpoint, hello, w.getSessionId(), cause -> {});
    ctx.links().add(closer);
    if (!opened.complete(this)) {
      session.end(); // the caller gave up waiting meanwhile
      ctx.links().remove(closer);
      replaced = true;
    }
  }

  /** A poll was answered: poll again, unless the session ended. */
  private void answered(HttpResponse<Boolean> response) {
    lastAnswerNanos = System.nanoTime();
    retryMs = FIRST_RETRY_MS;
    if (replaced) {
      end(new IOException("the poll session expired on the server; reconnect and resume"));
    } else if (response.body()) {
      end(new IOException("the server closed the downlink; reconnect and resume"));
    } else {
      poll();
    }
  }

  private void pollFailed(Throwable failure) {
    if (closedByUs) {
      return;
    }
    if (failure instanceof GatewayException g && ErrorStatus.isRefusal(g.code())) {
      end(g);
      return;
    }
    long expiryMs = holdMs + (long) Math.ceil(welcome.getHeartbeatMs() * 2.5);
    if (System.nanoTime() - lastAnswerNanos >= TimeUnit.MILLISECONDS.toNanos(expiryMs)) {
      end(
          failure instanceof IOException
              ? failure
              : new IOException(failure.getMessage(), failure));
      return;
    }
    long delay = retryMs;
    retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
    try {
      ctx.timers().schedule(this::poll, delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      end(new IOException("the client transport is closed"));
    }
  }

  private void end(Throwable cause) {
    ctx.links().remove(closer);
    if (opened.isDone() && !opened.isCompletedExceptionally()) {
      gate.closed(closedByUs ? null : cause);
    }
  }

  @Override
  public Welcome welcome() {
    return welcome;
  }

  @Override
  public void send(Frame frame) {
    SessionRequests s = session;
    if (s != null && isOpen()) {
      s.send(frame);
    }
  }

  @Override
  public boolean isOpen() {
    return welcome != null && !closedByUs && !gate.isClosed();
  }

  @Override
  public void close() {
    if (closedByUs) {
      return;
    }
    closedByUs = true;
    SessionRequests s = session;
    if (s != null) {
      // The server answers the poll in flight at once when the session ends; that poll is left
      // to finish rather than cut, so that a session it may have opened meanwhile is seen (its
      // Welcome) and ended too.
      s.end();
    }
    opened.completeExceptionally(new IOException("closed by the client"));
    if (welcome != null) {
      end(null);
    }
  }
}

package io.linkgate.transport.tunnel.internal.client;

import io.linkgate.api.GatewayException;
import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Welcome;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A downlink streamed as one long response: frames are handed to the listener as they arrive; the
 * server's Pings only prove the stream alive. A stream that brings no byte for the stall window is
 * given up. The listener's {@code onClosed} follows once when the stream ends, however it ends (the
 * server ends streams at their maximum age; reconnecting and resuming is the caller's job).
 */
final class StreamingClientDownlink implements ClientDownlink {
  /** The Welcome did not arrive in time: perhaps a proxy buffers the stream. */
  static final class NoWelcome extends IOException {
    private static final long serialVersionUID = 1L;

    NoWelcome(String message) {
      super(message);
    }
  }

  private final ClientContext ctx;
  private final Endpoint endpoint;
  private final Hello hello;
  private final ListenerGate gate;
  private final CompletableFuture<ClientDownlink> opened = new CompletableFuture<>();
  private final FrameSubscriber body;
  private final Runnable closer = this::close;
  private volatile Welcome welcome;
  private volatile SessionRequests session;
  private volatile CompletableFuture<HttpResponse<Void>> exchange;
  private volatile ScheduledFuture<?> timer;
  private volatile boolean closedByUs;
  private volatile Throwable givenUp;

  private StreamingClientDownlink(
      ClientContext ctx, Endpoint endpoint, Hello hello, ClientDownlink.Listener listener) {
    this.ctx = ctx;
    this.endpoint = endpoint;
    this.hello = hello;
    this.gate = new ListenerGate(listener);
    this.body = new FrameSubscriber(ctx.options().maxFrameBytes(), this::onFrame);
  }

  /**
   * Opens a stream; the stage fails with {@link NoWelcome} when no Welcome came within {@code
   * welcomeTimeoutMs}.
   */
  static CompletionStage<ClientDownlink> open(
      ClientContext ctx,
      Endpoint endpoint,
      Hello hello,
      ClientDownlink.Listener listener,
      long welcomeTimeoutMs) {
    StreamingClientDownlink d = new StreamingClientDownlink(ctx, endpoint, hello, listener);
    d.start(welcomeTimeoutMs);
    return d.opened;
  }

  private void start(long welcomeTimeoutMs) {
    var uri =
        TunnelUris.of(endpoint, TunnelProtocol.DOWNLINK_PATH, hello)
            .add(TunnelProtocol.MODE, TunnelProtocol.MODE_STREAM)
            .add(TunnelProtocol.RESUME_FROM_SEQ, hello.getResumeFromSeq())
            .add(TunnelProtocol.RESUME_EPOCH, hello.getResumeEpoch())
            .add(TunnelProtocol.HEARTBEAT_MS, Integer.toUnsignedLong(hello.getHeartbeatMs()))
            .add(TunnelProtocol.CLIENT_VERSION, hello.getClientVersion())
            .uri();
    timer =
        ctx.timers()
            .schedule(
                () -> {
                  NoWelcome late =
                      new NoWelcome("no Welcome within " + welcomeTimeoutMs + " ms from " + uri);
                  if (opened.completeExceptionally(late)) { // else the Welcome won the race
                    fail(late);
                  }
                },
                welcomeTimeoutMs,
                TimeUnit.MILLISECONDS);
    CompletableFuture<HttpResponse<Void>> sent =
        ctx.http()
            .sendAsync(
                ClientRequests.get(uri, hello.getToken()).build(),
                info ->
                    info.statusCode() == 200
                        ? body
                        : HttpResponse.BodySubscribers.mapping(
                            Responses.frames(ctx.options().maxFrameBytes(), 1).apply(info),
                            frames -> (Void) null));
    exchange = sent;
    sent.whenComplete((response, failure) -> ended(failure));
  }

  /** Every frame of the body, in order, on the client's threads. */
  private void onFrame(Frame frame) {
    if (welcome != null) {
      if (!frame.hasPing()) {
        gate.frame(frame);
      }
      return;
    }
    if (frame.hasWelcome()) {
      welcome = frame.getWelcome();
      session = new SessionRequests(ctx, endpoint, hello, welcome.getSessionId(), this::fail);
      cancelTimer();
      ctx.links().add(closer);
      if (!opened.complete(this)) {
        session.end(); // the caller gave up waiting meanwhile
        fail(new IOException("the open was abandoned"));
        return;
      }
      watchForStalls(ctx.settings().stallMs(welcome.getHeartbeatMs()));
    } else if (frame.hasError()) {
      fail(new GatewayException(frame.getError().getCode(), frame.getError().getMessage()));
    } else {
      fail(new IOException("expected Welcome, the server sent " + frame.getKindCase()));
    }
  }

  private void watchForStalls(long stallMs) {
    long stallNanos = TimeUnit.MILLISECONDS.toNanos(stallMs);
    long period = Math.max(10, stallMs / 4);
    timer =
        ctx.timers()
            .scheduleAtFixedRate(
                () -> {
                  long silent = System.nanoTime() - body.lastByteNanos();
                  if (silent >= stallNanos) {
                    fail(new IOException("the stream brought nothing for " + stallMs + " ms"));
                  }
                },
                period,
                period,
                TimeUnit.MILLISECONDS);
  }

  /** Gives up on the stream: the open stage, or the open stream, fails with {@code cause}. */
  private void fail(Throwable cause) {
    if (givenUp == null) {
      givenUp = cause; // the reason to report, rather than the cancellation it causes
    }
    opened.completeExceptionally(cause);
    body.cancel(cause);
    CompletableFuture<HttpResponse<Void>> sent = exchange;
    if (sent != null) {
      sent.cancel(true); // before the response head arrived, the body cannot cancel it
    }
  }

  /** The response is over, completely or not. */
  private void ended(Throwable failure) {
    if (failure != null && givenUp != null) {
      failure = givenUp;
    }
    cancelTimer();
    ctx.links().remove(closer);
    if (!opened.isDone()) {
      opened.completeExceptionally(
          failure != null
              ? FramePoster.unwrap(failure)
              : new IOException("the stream ended before its Welcome"));
      return;
    }
    if (opened.isCompletedExceptionally()) {
      return;
    }
    Throwable cause =
        closedByUs
            ? null
            : failure != null
                ? FramePoster.unwrap(failure)
                : new IOException("the server ended the stream; reconnect and resume");
    gate.closed(cause);
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
      s.end(); // tells the server at once, rather than when its next write fails
    }
    fail(new IOException("closed by the client"));
    if (opened.isDone() && !opened.isCompletedExceptionally()) {
      gate.closed(null);
    }
  }

  private void cancelTimer() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
  }
}

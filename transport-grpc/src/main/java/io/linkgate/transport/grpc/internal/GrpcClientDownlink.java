package io.linkgate.transport.grpc.internal;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.util.concurrent.EventExecutor;
import io.linkgate.api.GatewayException;
import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Error;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Welcome;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open downlink, client side: one {@code Downlink} call. The open stage completes on {@code
 * Welcome}; a status before it fails the stage, with the server's refusal as a {@link
 * GatewayException} when the trailers carry one. After it, frames go to the listener, one message
 * requested at a time (so a listener that falls behind holds back the server through HTTP/2 flow
 * control); an {@code Error} that ends the call reaches the listener as a frame (from the trailers
 * when the server could not send it as a message) before {@code onClosed}.
 */
final class GrpcClientDownlink extends ClientCall.Listener<Frame> implements ClientDownlink {
  private static final Logger log = LoggerFactory.getLogger(GrpcClientDownlink.class);

  private final ClientCall<Frame, Frame> call;
  private final Endpoint endpoint;
  private final Listener listener;
  private final long timeoutMillis;
  private final EventExecutor timers;
  private final Consumer<GrpcClientDownlink> whenClosed;
  private final CompletableFuture<ClientDownlink> opened = new CompletableFuture<>();

  /** Guards the call's methods other than request, which gRPC does not make thread-safe. */
  private final Object lock = new Object();

  private volatile ScheduledFuture<?> timer;
  private volatile Welcome welcome;
  private volatile boolean closedByUs;
  private volatile boolean ended;

  /** Listener thread only: the last frame delivered, to tell whether a status repeats it. */
  private Frame lastFrame;

  GrpcClientDownlink(
      ClientCall<Frame, Frame> call,
      Endpoint endpoint,
      Listener listener,
      long timeoutMillis,
      EventExecutor timers,
      Consumer<GrpcClientDownlink> whenClosed) {
    this.call = call;
    this.endpoint = endpoint;
    this.listener = listener;
    this.timeoutMillis = timeoutMillis;
    this.timers = timers;
    this.whenClosed = whenClosed;
  }

  void start(Hello hello) {
    timer =
        timers.schedule(
            () -> {
              if (welcome == null
                  && opened.completeExceptionally(
                      new SocketTimeoutException(
                          "no Welcome within " + timeoutMillis + " ms (connect and handshake)"))) {
                cancel("no Welcome in time");
              }
            },
            timeoutMillis,
            TimeUnit.MILLISECONDS);
    synchronized (lock) {
      call.start(this, new Metadata());
      call.sendMessage(Frame.newBuilder().setHello(hello).build());
    }
    call.request(1);
  }

  CompletableFuture<ClientDownlink> opened() {
    return opened;
  }

  @Override
  public Welcome welcome() {
    return welcome;
  }

  @Override
  public void send(Frame frame) {
    synchronized (lock) {
      if (welcome == null || ended || closedByUs) {
        return;
      }
      call.sendMessage(frame);
    }
  }

  @Override
  public boolean isOpen() {
    return welcome != null && !ended && !closedByUs;
  }

  @Override
  public void close() {
    closedByUs = true;
    cancel("downlink closed by the client");
  }

  private void cancel(String why) {
    synchronized (lock) {
      call.cancel(why, null);
    }
  }

  // ---- the call's listener (one thread at a time)

  @Override
  public void onMessage(Frame frame) {
    if (welcome == null) {
      firstFrame(frame);
    } else if (!closedByUs) {
      lastFrame = frame;
      try {
        listener.onFrame(frame);
      } catch (RuntimeException e) {
        log.warn("downlink listener failed on {}: {}", frame.getKindCase(), e.toString());
      }
    }
    call.request(1);
  }

  private void firstFrame(Frame frame) {
    cancelTimer();
    if (frame.hasWelcome()) {
      welcome = frame.getWelcome();
      if (!opened.complete(this)) {
        cancel("the open was given up"); // timed out meanwhile
      }
    } else if (frame.hasError()) {
      Error e = frame.getError();
      opened.completeExceptionally(new GatewayException(e.getCode(), e.getMessage()));
      cancel("refused");
    } else {
      opened.completeExceptionally(
          new IOException("expected Welcome, the server sent " + frame.getKindCase()));
      cancel("protocol error");
    }
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    ended = true;
    cancelTimer();
    whenClosed.accept(this);
    if (welcome == null || !opened.isDone() || opened.isCompletedExceptionally()) {
      opened.completeExceptionally(
          GrpcClientTransport.openFailure(status, trailers, endpoint));
      return;
    }
    if (closedByUs) {
      notifyClosed(null);
      return;
    }
    Error error = GrpcErrors.trailerError(trailers);
    if (error != null && !(lastFrame != null && lastFrame.hasError()
        && lastFrame.getError().getCode() == error.getCode())) {
      Frame frame = Frame.newBuilder().setError(error).build();
      try {
        listener.onFrame(frame);
      } catch (RuntimeException e) {
        log.warn("downlink listener failed on {}: {}", frame.getKindCase(), e.toString());
      }
    }
    notifyClosed(
        new IOException(
            "downlink closed by the server: " + GrpcClientTransport.describe(status),
            status.asException()));
  }

  private void notifyClosed(Throwable cause) {
    try {
      listener.onClosed(cause);
    } catch (RuntimeException e) {
      log.warn("downlink listener failed in onClosed: {}", e.toString());
    }
  }

  private void cancelTimer() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
  }
}

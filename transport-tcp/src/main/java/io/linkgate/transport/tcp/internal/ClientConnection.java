package io.linkgate.transport.tcp.internal;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Welcome;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one connection, up to {@code Welcome}: sends {@code Hello} once connected,
 * completes the open stage on {@code Welcome}, fails it with the server's {@code Error} as a {@link
 * GatewayException}, or with an {@link IOException} on a connection failure or when connecting and
 * the handshake together take longer than the timeout. After that, frames go to the role.
 *
 * @param <T> what the open stage yields: the connection itself, as its role's interface
 */
abstract class ClientConnection<T> extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

  private final Hello hello;
  private final long timeoutMillis;
  protected final CompletableFuture<T> opened = new CompletableFuture<>();
  private ScheduledFuture<?> timer;
  protected volatile Channel channel;
  private volatile Welcome welcome;

  /** Set when this side asked for the close: the close then has no cause. */
  protected volatile boolean closedByUs;

  private Throwable failure;

  ClientConnection(Hello hello, long timeoutMillis) {
    this.hello = hello;
    this.timeoutMillis = timeoutMillis;
  }

  /** This connection as the open stage's value. */
  protected abstract T self();

  /** A frame after {@code Welcome}; event loop. */
  protected abstract void onFrame(Frame frame);

  /** The connection is gone after it was open; event loop; once. Null cause: closed by us. */
  protected abstract void onClosed(Throwable cause);

  CompletableFuture<T> opened() {
    return opened;
  }

  public Welcome welcome() {
    return welcome;
  }

  public boolean isOpen() {
    Channel ch = channel;
    return welcome != null && !closedByUs && ch != null && ch.isActive();
  }

  public void close() {
    closedByUs = true;
    Channel ch = channel;
    if (ch != null) {
      ch.close();
    }
  }

  /** The connect attempt failed before the channel was active. */
  void connectFailed(Throwable cause) {
    failOpen(Failures.asIoException(cause));
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    timer =
        ctx.executor()
            .schedule(
                () -> {
                  if (welcome == null) {
                    failOpen(
                        new SocketTimeoutException(
                            "no Welcome from "
                                + ctx.channel().remoteAddress()
                                + " within "
                                + timeoutMillis
                                + " ms"));
                    ctx.close();
                  }
                },
                timeoutMillis,
                TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.writeAndFlush(FrameBufs.of(Frame.newBuilder().setHello(hello).build()));
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof GatewayException bad) {
      failure = new IOException("bad frame from the server: " + bad.getMessage(), bad);
      failOpen(failure);
      ctx.close();
      return;
    }
    Frame frame = (Frame) msg;
    if (welcome != null) {
      if (!closedByUs) {
        onFrame(frame);
      }
      return;
    }
    if (frame.hasWelcome()) {
      cancelTimer();
      welcome = frame.getWelcome();
      if (!opened.complete(self())) {
        ctx.close(); // the caller gave up (timed out) in the meantime
      }
    } else if (frame.hasError()) {
      failOpen(new GatewayException(frame.getError().getCode(), frame.getError().getMessage()));
      ctx.close();
    } else {
      failOpen(new IOException("expected Welcome, the server sent " + frame.getKindCase()));
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimer();
    if (welcome == null || !opened.isDone() || opened.isCompletedExceptionally()) {
      failOpen(failure != null ? failure : new IOException("connection closed before Welcome"));
    } else {
      Throwable cause =
          closedByUs
              ? null
              : failure != null ? failure : new IOException("connection closed by the server");
      onClosed(cause);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess() && failure == null) {
      failure = Failures.asIoException(tls.cause()); // say why, rather than "closed"
      failOpen(failure);
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("{}: connection failed: {}", ctx.channel().remoteAddress(), cause.toString());
    if (failure == null) {
      failure = Failures.asIoException(cause);
    }
    failOpen(failure);
    ctx.close();
  }

  private void failOpen(Throwable cause) {
    cancelTimer();
    opened.completeExceptionally(cause);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}

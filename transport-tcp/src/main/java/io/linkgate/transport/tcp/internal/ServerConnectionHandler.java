package io.linkgate.transport.tcp.internal;

import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.Limits;
import io.linkgate.api.transport.TransportError;
import io.linkgate.api.transport.TransportEvents;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine every server connection goes through, whatever its role: wait for a valid
 * {@code Hello} (with a deadline), open the session with the core, then hand the role every frame.
 * Event loop only; one instance per connection.
 *
 * <p>While the core opens the session, reading stops; frames that arrived in the same read as the
 * {@code Hello} are held (at most one read's worth) and handed over in order once the session is
 * open, so a client may pipeline after its {@code Hello}.
 */
abstract class ServerConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ServerConnectionHandler.class);

  private enum Phase {
    AWAIT_HELLO,
    OPENING,
    OPEN
  }

  protected final Role role;
  protected final TransportEvents events;
  protected final Limits limits;
  protected final long closeGraceMillis;
  protected ChannelHandlerContext ctx;
  private Phase phase = Phase.AWAIT_HELLO;
  private ScheduledFuture<?> handshakeTimer;
  private ArrayDeque<Frame> held;

  ServerConnectionHandler(Role role, TransportEvents events, Limits limits, long closeGraceMillis) {
    this.role = role;
    this.events = events;
    this.limits = limits;
    this.closeGraceMillis = closeGraceMillis;
  }

  // ---- what a role adds

  /** Starts opening the session for a valid {@code hello}; calls {@link #opened()} when done. */
  protected abstract void open(Hello hello, ConnectionInfo info);

  /** A frame read after the session is open (and the connection is not closing). */
  protected abstract void onFrame(Frame frame);

  /** Sends {@code error} after what is already due to go out, then closes. */
  protected abstract void closeWithError(Frame error);

  /** True once a close was asked for: frames read from now on are dropped. */
  protected abstract boolean isClosing();

  /** The connection is gone. */
  protected abstract void onInactive();

  // ---- the shared part

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().isActive()) {
      startHandshakeTimer();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    startHandshakeTimer();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (isClosing()) {
      return; // lingering until the peer has read our last frame: input is dropped
    }
    if (msg instanceof GatewayException bad) {
      log.debug("{}: bad frame: {}", ctx.channel().remoteAddress(), bad.getMessage());
      events.error(
          bad.code() == ErrorCode.FRAME_TOO_LARGE
              ? TransportError.FRAME_TOO_LARGE
              : TransportError.BAD_FRAME);
      closeWithError(bad.toFrame());
      return;
    }
    Frame frame = (Frame) msg;
    switch (phase) {
      case AWAIT_HELLO -> onFirstFrame(frame);
      case OPENING -> held.add(frame);
      case OPEN -> onFrame(frame);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelHandshakeTimer();
    held = null;
    onInactive();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Failures.log(log, ctx.channel(), cause);
    events.error(Failures.kind(cause));
    ctx.close();
  }

  /** To be called on the event loop once the session is open. */
  protected final void opened() {
    cancelHandshakeTimer();
    HandshakeSlot.passed(ctx.pipeline());
    phase = Phase.OPEN;
    ArrayDeque<Frame> early = held;
    held = null;
    while (early != null && !early.isEmpty() && !isClosing()) {
      onFrame(early.poll());
    }
    if (!isClosing()) {
      resumeReading();
    }
  }

  /** Reading resumes once the session is open; a role may hold back for its own reasons. */
  protected void resumeReading() {
    ctx.channel().config().setAutoRead(true);
  }

  protected final boolean isOpen() {
    return phase == Phase.OPEN;
  }

  /** Runs {@code task} on this connection's event loop: inline if already there. */
  protected final void onLoop(Runnable task) {
    if (ctx.executor().inEventLoop()) {
      task.run();
    } else {
      ctx.executor().execute(task);
    }
  }

  private void onFirstFrame(Frame frame) {
    if (!frame.hasHello()) {
      events.error(TransportError.BAD_FRAME);
      closeWithError(
          Frames.isUnknownKind(frame)
              ? Frames.error(ErrorCode.BAD_FRAME, "unknown frame kind; expected Hello")
              : Frames.error(
                  ErrorCode.INVALID_ARGUMENT,
                  "expected Hello as the first frame, got " + frame.getKindCase()));
      return;
    }
    Hello hello = frame.getHello();
    if (hello.getRole() != role) {
      closeWithError(
          Frames.error(
              ErrorCode.INVALID_ARGUMENT,
              "this port serves " + role + " connections; Hello asked for " + hello.getRole()));
      return;
    }
    phase = Phase.OPENING;
    held = new ArrayDeque<>(4);
    ctx.channel().config().setAutoRead(false);
    open(hello, connectionInfo(hello));
  }

  private ConnectionInfo connectionInfo(Hello hello) {
    int heartbeatMs = role == Role.DOWNLINK ? limits.grantHeartbeatMs(hello.getHeartbeatMs()) : 0;
    boolean tls = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null;
    return new ConnectionInfo(
        "tcp", role, describe(ctx.channel().remoteAddress()), tls, heartbeatMs);
  }

  private static String describe(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      return inet.getHostString() + ":" + inet.getPort();
    }
    return String.valueOf(address);
  }

  private void startHandshakeTimer() {
    if (handshakeTimer != null || phase == Phase.OPEN) {
      return;
    }
    long timeoutMs = limits.handshakeTimeout().toMillis();
    handshakeTimer =
        ctx.executor()
            .schedule(
                () -> {
                  if (phase != Phase.OPEN && !isClosing()) {
                    log.debug("{}: no handshake in time", ctx.channel().remoteAddress());
                    events.error(TransportError.HANDSHAKE_TIMEOUT);
                    // The budget covers authentication too, so a stalled authenticator cannot
                    // hold half-open connections; say which part ran out.
                    String what =
                        phase == Phase.AWAIT_HELLO
                            ? "no valid Hello within "
                            : "handshake (Hello and authentication) not completed within ";
                    closeWithError(Frames.error(ErrorCode.TIMEOUT, what + timeoutMs + " ms"));
                  }
                },
                timeoutMs,
                TimeUnit.MILLISECONDS);
  }

  private void cancelHandshakeTimer() {
    if (handshakeTimer != null) {
      handshakeTimer.cancel(false);
      handshakeTimer = null;
    }
  }
}

package io.linkgate.transport.tcp.internal;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.api.transport.Limits;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportEvents;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One downlink connection: opens the session with the core (which writes {@code Welcome} into the
 * channel itself), answers {@code Ping} with {@code Pong}, hands other frames to the session, and
 * closes a connection that stays silent past its heartbeat timeout. Reading pauses while {@code
 * maxInFlight} of the client's frames wait for the session.
 *
 * <p>{@link DownlinkSession#onClosed()} is called exactly once: when the connection goes, or, if it
 * went while the session was still opening, as soon as the session is open.
 */
final class DownlinkHandler extends ServerConnectionHandler {
  private static final Logger log = LoggerFactory.getLogger(DownlinkHandler.class);

  private final SessionHandler core;
  private final int outboundQueueBytes;
  private final int maxInFlight;

  /** Frames handed to the session whose stage has not completed; event loop only. */
  private int inFlight;

  private NettyDownlinkChannel out;
  private DownlinkSession session;
  private ReadDeadline heartbeat;
  private boolean inactive;

  DownlinkHandler(
      SessionHandler core,
      TransportEvents events,
      Limits limits,
      long closeGraceMillis,
      int maxInFlight) {
    super(Role.DOWNLINK, events, limits, closeGraceMillis);
    this.core = core;
    this.maxInFlight = maxInFlight;
    this.outboundQueueBytes = limits.outboundQueueBytes();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    out = new NettyDownlinkChannel(ctx.channel(), outboundQueueBytes, closeGraceMillis, events);
    super.handlerAdded(ctx);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    out.onWritabilityChanged();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  protected void open(Hello hello, ConnectionInfo info) {
    CompletionStage<DownlinkSession> stage;
    try {
      stage = core.openDownlink(hello, info, out);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    int grantedMs = info.heartbeatMs();
    stage.whenComplete((s, t) -> onLoop(() -> sessionOpened(s, t, grantedMs)));
  }

  private void sessionOpened(DownlinkSession s, Throwable failure, int grantedMs) {
    if (failure != null || s == null) {
      GatewayException refusal = Failures.refusal(log, ctx.channel(), failure);
      if (!inactive) {
        closeWithError(refusal.toFrame());
      }
      return;
    }
    session = s;
    if (inactive) {
      closed();
      return;
    }
    long timeoutNanos = limits.heartbeatTimeout(grantedMs).toNanos();
    heartbeat = new ReadDeadline(ctx.executor(), timeoutNanos, () -> heartbeatMissed(grantedMs));
    heartbeat.start();
    opened();
  }

  @Override
  protected void onFrame(Frame frame) {
    heartbeat.touch();
    if (frame.hasPing()) {
      out.send(EncodedFrame.of(Frames.pong(frame.getPing().getNonce())));
      return;
    }
    CompletionStage<Frame> answer;
    try {
      answer = session.onFrame(frame);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    if (++inFlight == maxInFlight) {
      ctx.channel().config().setAutoRead(false); // a client outrunning the core waits
    }
    answer.whenComplete(
        (reply, t) -> {
          Frame toSend = t != null ? GatewayException.from(t).toFrame() : reply;
          if (toSend != null && !Frames.isUnknownKind(toSend)) {
            out.send(EncodedFrame.of(toSend));
          }
          onLoop(this::frameDone);
        });
  }

  @Override
  protected void resumeReading() {
    if (inFlight < maxInFlight) {
      super.resumeReading();
    }
  }

  private void frameDone() {
    if (inFlight-- == maxInFlight && !isClosing()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void heartbeatMissed(int grantedMs) {
    if (isClosing()) {
      return;
    }
    log.debug("{}: heartbeat missed", ctx.channel().remoteAddress());
    events.heartbeatTimeout();
    closeWithError(
        Frames.error(
            ErrorCode.TIMEOUT,
            "no frame for " + heartbeat.timeoutMillis() + " ms (heartbeat " + grantedMs + " ms)"));
  }

  @Override
  protected void closeWithError(Frame error) {
    out.close(error);
  }

  @Override
  protected boolean isClosing() {
    return out.isClosing();
  }

  /** Bytes not yet handed to the socket; any thread. */
  long bufferedBytes() {
    return out.bufferedBytes();
  }

  @Override
  protected void onInactive() {
    inactive = true;
    if (heartbeat != null) {
      heartbeat.cancel();
    }
    out.onInactive();
    if (session != null) {
      closed();
    }
  }

  private void closed() {
    DownlinkSession s = session;
    session = null; // exactly once
    try {
      s.onClosed();
    } catch (RuntimeException e) {
      log.warn(
          "{}: session {} failed in onClosed: {}",
          ctx.channel().remoteAddress(),
          s.sessionId(),
          e.toString());
    }
  }
}

package io.linkgate.transport.grpc.internal;

import io.grpc.ServerCall;
import io.grpc.netty.shaded.io.netty.util.concurrent.EventExecutor;
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
import io.linkgate.api.transport.TransportError;
import io.linkgate.api.transport.TransportEvents;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code Downlink} call, the gRPC form of a downlink connection: wait for a valid {@code Hello}
 * (within the handshake timeout), open the session with the core (which writes {@code Welcome} into
 * the channel itself), answer {@code Ping} with {@code Pong}, hand other frames to the session, and
 * end a call that stays silent past its heartbeat miss window.
 *
 * <p>Reading is gRPC's flow control: one message is requested at a time, and none while the session
 * opens or while {@code maxInFlight} frames wait for the session, so a client outrunning the core
 * is held back by HTTP/2 rather than buffered.
 *
 * <p>Everything runs on the call's loop. {@link DownlinkSession#onClosed()} is called exactly once:
 * when the call ends, or, if it ended while the session was opening, once the session is open.
 */
final class DownlinkCall extends ServerCall.Listener<Inbound> {
  private static final Logger log = LoggerFactory.getLogger(DownlinkCall.class);

  private enum Phase {
    AWAIT_HELLO,
    OPENING,
    OPEN
  }

  private final ServerCall<Inbound, EncodedFrame> call;
  private final EventExecutor loop;
  private final SessionHandler core;
  private final Limits limits;
  private final int maxInFlight;
  private final CallDownlinkChannel out;
  private final TransportEvents events;
  private final Set<CallDownlinkChannel> open;
  private final String remote;
  private final boolean tls;

  private Phase phase = Phase.AWAIT_HELLO;
  private ScheduledFuture<?> handshakeTimer;
  private ReadDeadline heartbeat;
  private DownlinkSession session;
  private boolean ended;
  private boolean requested;

  /** Frames handed to the session whose stage has not completed. */
  private int inFlight;

  DownlinkCall(
      ServerCall<Inbound, EncodedFrame> call,
      EventExecutor loop,
      SessionHandler core,
      Limits limits,
      int maxInFlight,
      TransportEvents events,
      Set<CallDownlinkChannel> open) {
    this.call = call;
    this.events = events;
    this.open = open;
    this.loop = loop;
    this.core = core;
    this.limits = limits;
    this.maxInFlight = maxInFlight;
    this.out =
        new CallDownlinkChannel(call, loop, limits.outboundQueueBytes(), events, this::ended);
    this.remote = CallFacts.remoteAddress(call);
    this.tls = CallFacts.isTls(call);
  }

  /** On the loop, from {@code startCall}. */
  void start() {
    out.start();
    open.add(out);
    long timeoutMs = limits.handshakeTimeout().toMillis();
    handshakeTimer = loop.schedule(this::handshakeExpired, timeoutMs, TimeUnit.MILLISECONDS);
    request();
  }

  // ---- gRPC's callbacks (on the loop with a direct executor; re-dispatched otherwise)

  @Override
  public void onMessage(Inbound message) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> onMessage(message));
      return;
    }
    requested = false;
    if (ended || out.isClosing()) {
      return;
    }
    if (message.failure() != null) {
      log.debug("{}: bad frame: {}", remote, message.failure().getMessage());
      events.error(
          message.failure().code() == ErrorCode.FRAME_TOO_LARGE
              ? TransportError.FRAME_TOO_LARGE
              : TransportError.BAD_FRAME);
      out.close(message.failure().toFrame());
      return;
    }
    switch (phase) {
      case AWAIT_HELLO -> onFirstFrame(message.frame());
      case OPENING -> {} // not requested: cannot happen
      case OPEN -> onFrame(message.frame());
    }
  }

  @Override
  public void onHalfClose() {
    if (!loop.inEventLoop()) {
      loop.execute(this::onHalfClose);
      return;
    }
    if (ended || out.isClosing()) {
      return;
    }
    if (phase == Phase.AWAIT_HELLO) {
      out.close(Frames.error(ErrorCode.INVALID_ARGUMENT, "the stream ended before a Hello"));
    } else {
      // The client can no longer ping, so the downlink is over: say so now, not at the miss window.
      out.closeGracefully();
    }
  }

  @Override
  public void onReady() {
    if (!loop.inEventLoop()) {
      loop.execute(this::onReady);
      return;
    }
    out.onReady();
  }

  @Override
  public void onCancel() {
    onLoop(this::ended);
  }

  @Override
  public void onComplete() {
    onLoop(this::ended);
  }

  // ---- the handshake

  private void onFirstFrame(Frame frame) {
    if (!frame.hasHello()) {
      if (Frames.isUnknownKind(frame)) {
        events.error(TransportError.BAD_FRAME);
      }
      out.close(
          Frames.isUnknownKind(frame)
              ? Frames.error(ErrorCode.BAD_FRAME, "unknown frame kind; expected Hello")
              : Frames.error(
                  ErrorCode.INVALID_ARGUMENT,
                  "expected Hello as the first frame, got " + frame.getKindCase()));
      return;
    }
    Hello hello = frame.getHello();
    if (hello.getRole() == Role.UPLINK) {
      out.close(
          Frames.error(
              ErrorCode.INVALID_ARGUMENT,
              "the Downlink method serves DOWNLINK; Hello asked for " + hello.getRole()));
      return;
    }
    if (hello.getRole() != Role.DOWNLINK) {
      hello = hello.toBuilder().setRole(Role.DOWNLINK).build(); // the method says which role
    }
    phase = Phase.OPENING;
    int grantedMs = limits.grantHeartbeatMs(hello.getHeartbeatMs());
    ConnectionInfo info = new ConnectionInfo("grpc", Role.DOWNLINK, remote, tls, grantedMs);
    CompletionStage<DownlinkSession> stage;
    try {
      stage = core.openDownlink(hello, info, out);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete((s, t) -> onLoop(() -> opened(s, t, grantedMs)));
  }

  private void opened(DownlinkSession s, Throwable failure, int grantedMs) {
    if (failure != null || s == null) {
      GatewayException refusal = Refusals.log(log, remote, failure);
      if (!ended) {
        out.close(refusal.toFrame()); // nothing was sent: the status alone says why
      }
      return;
    }
    session = s;
    if (ended) {
      closeSession();
      return;
    }
    phase = Phase.OPEN;
    cancelHandshakeTimer();
    heartbeat =
        new ReadDeadline(
            loop, limits.heartbeatTimeout(grantedMs).toNanos(), () -> heartbeatMissed(grantedMs));
    heartbeat.start();
    request();
  }

  private void handshakeExpired() {
    handshakeTimer = null;
    if (phase == Phase.OPEN || ended || out.isClosing()) {
      return;
    }
    log.debug("{}: no handshake in time", remote);
    events.error(TransportError.HANDSHAKE_TIMEOUT);
    long timeoutMs = limits.handshakeTimeout().toMillis();
    // The budget covers authentication too, so a stalled authenticator cannot hold calls open.
    String what =
        phase == Phase.AWAIT_HELLO
            ? "no valid Hello within "
            : "handshake (Hello and authentication) not completed within ";
    out.close(Frames.error(ErrorCode.TIMEOUT, what + timeoutMs + " ms"));
  }

  // ---- the open session

  private void onFrame(Frame frame) {
    heartbeat.touch();
    if (frame.hasPing()) {
      out.send(EncodedFrame.of(Frames.pong(frame.getPing().getNonce())));
      request();
      return;
    }
    inFlight++;
    CompletionStage<Frame> answer;
    try {
      answer = session.onFrame(frame);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete(
        (reply, t) -> {
          Frame toSend = t != null ? GatewayException.from(t).toFrame() : reply;
          if (toSend != null && !Frames.isUnknownKind(toSend)) {
            out.send(EncodedFrame.of(toSend));
          }
          onLoop(this::frameDone);
        });
    request();
  }

  private void frameDone() {
    inFlight--;
    request();
  }

  /** Asks gRPC for the next message, unless one is asked for or the session is busy enough. */
  private void request() {
    boolean busy = phase == Phase.OPENING || inFlight >= maxInFlight;
    if (requested || busy || ended || out.isClosing()) {
      return;
    }
    requested = true;
    call.request(1);
  }

  private void heartbeatMissed(int grantedMs) {
    if (ended || out.isClosing()) {
      return;
    }
    log.debug("{}: heartbeat missed", remote);
    events.heartbeatTimeout();
    out.close(
        Frames.error(
            ErrorCode.TIMEOUT,
            "no frame for " + heartbeat.timeoutMillis() + " ms (heartbeat " + grantedMs + " ms)"));
  }

  // ---- the end

  /** The call is over, from either side. */
  private void ended() {
    if (ended) {
      return;
    }
    ended = true;
    open.remove(out);
    cancelHandshakeTimer();
    if (heartbeat != null) {
      heartbeat.cancel();
    }
    out.terminated();
    if (session != null) {
      closeSession();
    }
  }

  private void closeSession() {
    DownlinkSession s = session;
    session = null; // exactly once
    try {
      s.onClosed();
    } catch (RuntimeException e) {
      log.warn("{}: session {} failed in onClosed: {}", remote, s.sessionId(), e.toString());
    }
  }

  private void cancelHandshakeTimer() {
    if (handshakeTimer != null) {
      handshakeTimer.cancel(false);
      handshakeTimer = null;
    }
  }

  private void onLoop(Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }
}

package io.linkgate.transport.grpc.internal;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.util.concurrent.EventExecutor;
import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.Limits;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.UplinkSession;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One unary {@code Uplink} call: one frame in, one frame out.
 *
 * <p>Two kinds of call, told apart by the {@code authorization} metadata:
 *
 * <ul>
 *   <li>Without it, the frame must be a {@code Hello}: the call opens an uplink session with the
 *       token in the {@code Hello} and answers its {@code Welcome}. This is how a client learns its
 *       uplink's identity and that its token is good.
 *   <li>With {@code authorization: Bearer <token>} (and {@code x-linkgate-device-id}), the frame is
 *       handled by a session opened for this call alone: {@code SendAck}, {@code Pong}, the empty
 *       frame, or an {@code Error} answer come back with status OK; except a {@code Send} refused
 *       {@code RATE_LIMITED}, which ends with RESOURCE_EXHAUSTED, its {@code Error} in the
 *       trailers and {@code grpc-retry-pushback-ms} set to its {@code retry_after_ms}.
 * </ul>
 *
 * <p>A call the server cannot handle ends with a status and the {@code Error} in its trailers (see
 * {@link GrpcErrors}): a refused token (UNAUTHENTICATED), undecodable bytes or a missing frame
 * (INVALID_ARGUMENT), a frame that did not arrive within the handshake timeout (DEADLINE_EXCEEDED),
 * a Hello call once the transport stopped accepting (UNAVAILABLE; frame calls are still served).
 * A call whose deadline passed or that the client cancelled is not handed to the core, and its
 * answer, if the core is already at work, is dropped.
 */
final class UplinkCall extends ServerCall.Listener<Inbound> {
  private static final Logger log = LoggerFactory.getLogger(UplinkCall.class);

  private final ServerCall<Inbound, Frame> call;
  private final Metadata headers;
  private final EventExecutor loop;
  private final SessionHandler core;
  private final Limits limits;
  private final BooleanSupplier acceptingOpens;
  private final String remote;
  private final boolean tls;
  private final Context context;

  private final CallDeadlines deadlines;
  private CallDeadlines.Deadline requestDeadline;
  private Frame request;
  private UplinkSession session;
  private boolean done;

  UplinkCall(
      ServerCall<Inbound, Frame> call,
      Metadata headers,
      EventExecutor loop,
      CallDeadlines deadlines,
      SessionHandler core,
      Limits limits,
      BooleanSupplier acceptingOpens) {
    this.call = call;
    this.headers = headers;
    this.loop = loop;
    this.deadlines = deadlines;
    this.core = core;
    this.limits = limits;
    this.acceptingOpens = acceptingOpens;
    this.remote = CallFacts.remoteAddress(call);
    this.tls = CallFacts.isTls(call);
    this.context = Context.current(); // the call's: cancelled on deadline or client cancel
  }

  /** On the loop, from {@code startCall}. */
  void start() {
    requestDeadline =
        deadlines.start(
            () -> {
              requestDeadline = null;
              log.debug("{}: no uplink frame in time", remote);
              fail(
                  new GatewayException(
                      ErrorCode.TIMEOUT,
                      "no complete frame within " + limits.handshakeTimeout().toMillis() + " ms"));
            });
    // Two, so that a second frame is noticed: gRPC itself then cancels the call (a unary method).
    call.request(2);
  }

  @Override
  public void onMessage(Inbound message) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> onMessage(message));
      return;
    }
    if (done) {
      return;
    }
    if (message.failure() != null) {
      log.debug("{}: bad uplink frame: {}", remote, message.failure().getMessage());
      fail(message.failure());
    } else {
      request = message.frame();
    }
  }

  @Override
  public void onHalfClose() {
    if (!loop.inEventLoop()) {
      loop.execute(this::onHalfClose);
      return;
    }
    if (done) {
      return;
    }
    cancelTimer();
    if (request == null) {
      fail(new GatewayException(ErrorCode.INVALID_ARGUMENT, "an Uplink call carries one frame"));
      return;
    }
    if (context.isCancelled()) {
      return; // the deadline passed: onCancel follows, and the frame is not processed
    }
    String authorization = headers.get(Headers.AUTHORIZATION);
    if (authorization == null) {
      if (!request.hasHello()) {
        fail(
            new GatewayException(
                ErrorCode.UNAUTHENTICATED,
                "an Uplink call needs 'authorization: Bearer <token>' metadata, or a Hello"));
        return;
      }
      if (!acceptingOpens.getAsBoolean()) {
        fail(GrpcServerTransport.notAccepting(Role.UPLINK)); // open uplinks carry on below
        return;
      }
      open(request.getHello(), true);
      return;
    }
    String token = Headers.bearerToken(authorization);
    if (token == null) {
      fail(
          new GatewayException(
              ErrorCode.UNAUTHENTICATED, "the authorization metadata must be 'Bearer <token>'"));
      return;
    }
    String deviceId;
    try {
      String value = headers.get(Headers.DEVICE_ID);
      deviceId = value != null ? Headers.decodeDeviceId(value) : "";
    } catch (IllegalArgumentException e) {
      fail(new GatewayException(ErrorCode.INVALID_ARGUMENT, e.getMessage()));
      return;
    }
    open(
        Hello.newBuilder().setToken(token).setDeviceId(deviceId).setRole(Role.UPLINK).build(),
        false);
  }

  @Override
  public void onCancel() {
    onLoop(
        () -> {
          done = true;
          cancelTimer();
          closeSession();
        });
  }

  @Override
  public void onComplete() {
    onLoop(this::cancelTimer);
  }

  // ---- opening and answering

  /** Opens the session: a Hello call answers its Welcome, a frame call the frame's answer. */
  private void open(Hello hello, boolean helloCall) {
    if (hello.getRole() == Role.DOWNLINK) {
      fail(
          new GatewayException(
              ErrorCode.INVALID_ARGUMENT,
              "the Uplink method serves UPLINK; Hello asked for DOWNLINK"));
      return;
    }
    if (hello.getRole() != Role.UPLINK) {
      hello = hello.toBuilder().setRole(Role.UPLINK).build(); // the method says which role
    }
    CompletionStage<UplinkSession> stage;
    try {
      stage = core.openUplink(hello, new ConnectionInfo("grpc", Role.UPLINK, remote, tls, 0));
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete((s, t) -> onLoop(() -> opened(s, t, helloCall)));
  }

  private void opened(UplinkSession s, Throwable failure, boolean helloCall) {
    if (failure != null || s == null) {
      GatewayException refusal = Refusals.log(log, remote, failure);
      fail(refusal);
      return;
    }
    session = s;
    if (done || context.isCancelled()) {
      closeSession(); // cancelled, or the deadline passed, while authenticating
      return;
    }
    if (helloCall) {
      answer(Frame.newBuilder().setWelcome(s.welcome()).build());
      return;
    }
    CompletionStage<Frame> stage;
    try {
      stage = s.handle(request);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete(
        (reply, t) -> {
          Frame answer =
              t != null
                  ? GatewayException.from(t).toFrame()
                  : reply != null ? reply : Frames.error(ErrorCode.INTERNAL, "no answer");
          onLoop(() -> answer(answer));
        });
  }

  private void answer(Frame frame) {
    if (done) {
      return; // cancelled meanwhile: nobody is waiting
    }
    done = true;
    if (frame.hasError() && frame.getError().getCode() == ErrorCode.RATE_LIMITED) {
      // A send refused for the user's rate: RESOURCE_EXHAUSTED with the hint in the trailers, as
      // any gRPC client (and its retry policy) understands it; the Error itself rides along.
      call.close(GrpcErrors.status(frame.getError()), GrpcErrors.trailers(frame.getError()));
      closeSession();
      return;
    }
    call.sendHeaders(new Metadata());
    call.sendMessage(frame);
    call.close(Status.OK, new Metadata());
    closeSession();
  }

  private void fail(GatewayException e) {
    if (done) {
      return;
    }
    done = true;
    cancelTimer();
    call.close(GrpcErrors.status(e), GrpcErrors.trailers(e));
    closeSession();
  }

  private void closeSession() {
    UplinkSession s = session;
    if (s == null) {
      return;
    }
    session = null; // at most once
    try {
      s.onClosed();
    } catch (RuntimeException e) {
      log.warn("{}: uplink session failed in onClosed: {}", remote, e.toString());
    }
  }

  private void cancelTimer() {
    if (requestDeadline != null) {
      requestDeadline.cancel();
      requestDeadline = null;
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

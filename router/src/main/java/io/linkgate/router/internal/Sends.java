package io.linkgate.router.internal;

import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Send;
import io.linkgate.router.BusinessHandler;
import io.linkgate.router.SendContext;
import io.linkgate.router.store.SendAnswers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path of a client's {@code Send}: checks the idempotency key, runs the business handler once
 * per (user, client_msg_id), and turns whatever the handler did into exactly one {@code SendAck} or
 * {@code Error} frame carrying the client_msg_id. The returned stage never fails.
 */
final class Sends {
  private static final Logger log = LoggerFactory.getLogger(Sends.class);
  static final int MAX_CLIENT_MSG_ID_LENGTH = 128;

  private final SendDedup dedup;
  /** Null: no limit. */
  private final SendRateLimiter limiter;
  private final SendAnswers shared;
  private final Duration sharedTtl;
  private final BusinessHandler handler;
  private final io.linkgate.router.RouterEvents events;

  /**
   * @param shared answers shared with the other nodes (null on a single node): a retry that lands
   *     on another node still gets the first answer
   */
  Sends(
      SendDedup dedup,
      SendAnswers shared,
      Duration sharedTtl,
      io.linkgate.router.RouterEvents events,
      BusinessHandler handler,
      SendRateLimiter limiter) {
    this.limiter = limiter;
    this.events = events;
    this.dedup = dedup;
    this.shared = shared;
    this.sharedTtl = sharedTtl;
    this.handler = handler;
  }

  /** Answers one {@code Send}. */
  CompletionStage<Frame> handle(SendContext ctx, Send send) {
    String id = send.getClientMsgId();
    if (id.isEmpty()) {
      return CompletableFuture.completedStage(
          Frames.error(ErrorCode.INVALID_ARGUMENT, "Send.client_msg_id is required"));
    }
    if (id.length() > MAX_CLIENT_MSG_ID_LENGTH) {
      return CompletableFuture.completedStage(
          Frames.error(
              ErrorCode.INVALID_ARGUMENT,
              "Send.client_msg_id longer than " + MAX_CLIENT_MSG_ID_LENGTH + " characters"));
    }
    String user = ctx.identity().userId();
    long start = System.nanoTime();
    CompletionStage<Frame> answered =
        dedup
            // Inside the dedup: a retry of an acked send is answered without a token, and a refusal
            // is not remembered as the send's answer (only SendAcks are), so its retry is judged
            // afresh.
            .once(user, id, () -> {
              long wait = limiter == null ? 0 : limiter.acquire(user);
              if (wait > 0) {
                return CompletableFuture.completedFuture(rateLimited(id, wait));
              }
              return shared == null ? callHandler(ctx, send) : onceShared(user, ctx, send);
            });
    if (Stages.succeeded(answered)) {
      // Events that throw fail the stage, as they do from whenComplete, not the transport's call.
      try {
        reportAnswered(Stages.value(answered), start);
      } catch (RuntimeException e) {
        return Stages.failed(e);
      }
      return answered;
    }
    return answered.whenComplete((frame, err) -> reportAnswered(frame, start));
  }

  private void reportAnswered(Frame frame, long startNanos) {
    events.sendAnswered(
        frame != null && frame.hasError() ? frame.getError().getCode() : null,
        System.nanoTime() - startNanos);
  }

  private static Frame rateLimited(String clientMsgId, long retryAfterMs) {
    return Frame.newBuilder()
        .setError(
            io.linkgate.api.proto.Error.newBuilder()
                .setCode(ErrorCode.RATE_LIMITED)
                .setMessage("too many sends; retry after " + retryAfterMs + " ms")
                .setClientMsgId(clientMsgId)
                .setRetryAfterMs((int) Math.min(Integer.MAX_VALUE, retryAfterMs)))
        .build();
  }

  /** Claims the send where every node sees it; only the claimant runs the handler. */
  private CompletionStage<Frame> onceShared(String user, SendContext ctx, Send send) {
    String id = send.getClientMsgId();
    return shared
        .claim(user, id)
        .thenCompose(
            prior -> {
              if (prior.isPresent()) {
                events.dedupHit();
                log.debug("Send {} of {} answered from the shared dedup window", id, user);
                return CompletableFuture.completedStage(prior.get());
              }
              return callHandler(ctx, send)
                  .thenCompose(
                      frame -> {
                        CompletionStage<Void> kept =
                            frame.getKindCase() == Frame.KindCase.SEND_ACK
                                ? shared.remember(user, id, frame, sharedTtl)
                                : shared.forget(user, id);
                        // The answer stands even if keeping it failed: the send was handled.
                        return kept.handle((v, err) -> frame);
                      });
            })
        .handle((frame, err) -> err == null ? frame : answer(null, err, id));
  }

  private CompletionStage<Frame> callHandler(SendContext ctx, Send send) {
    CompletionStage<Frame> stage;
    try {
      stage = handler.onSend(ctx, send);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    if (stage == null) {
      stage = CompletableFuture.completedFuture(null);
    }
    if (Stages.succeeded(stage)) {
      return CompletableFuture.completedFuture(answer(Stages.value(stage), null, send.getClientMsgId()));
    }
    return stage.handle((frame, err) -> answer(frame, err, send.getClientMsgId()));
  }

  /** Turns what a handler produced into the one frame the client gets. */
  private static Frame answer(Frame frame, Throwable err, String clientMsgId) {
    if (err != null) {
      GatewayException g = GatewayException.from(err);
      if (g.code() == ErrorCode.INTERNAL) {
        log.warn("handling a Send failed", err);
      } else {
        log.debug("Send {} refused: {} {}", clientMsgId, g.code(), g.getMessage());
      }
      return Frames.error(
          g.code(), g.getMessage(), g.clientMsgId().isEmpty() ? clientMsgId : g.clientMsgId());
    }
    if (frame != null && frame.getKindCase() == Frame.KindCase.SEND_ACK) {
      return frame;
    }
    if (frame != null && frame.getKindCase() == Frame.KindCase.ERROR) {
      if (frame.getError().getClientMsgId().isEmpty()) {
        return frame.toBuilder().setError(frame.getError().toBuilder().setClientMsgId(clientMsgId)).build();
      }
      return frame;
    }
    log.warn(
        "business handler answered a Send with {} instead of SendAck or Error",
        frame == null ? "nothing" : frame.getKindCase());
    return Frames.error(ErrorCode.INTERNAL, "internal error", clientMsgId);
  }
}

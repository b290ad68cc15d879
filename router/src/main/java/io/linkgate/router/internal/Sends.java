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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    Frame invalid = invalidId(id);
    if (invalid != null) {
      return CompletableFuture.completedStage(invalid);
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
    return reported(answered, start);
  }

  /**
   * Answers sends that arrived together, as {@link #handle} would one by one: one stage per send,
   * in order. Retries and refusals are answered first; the new sends then go to the business
   * handler in one call ({@link BusinessHandler#onSends}), so that it can store a batch to one
   * recipient at once.
   */
  List<CompletionStage<Frame>> handleAll(SendContext ctx, List<Send> batch) {
    String user = ctx.identity().userId();
    long start = System.nanoTime();
    List<CompletionStage<Frame>> answers = new ArrayList<>(batch.size());
    boolean[] invalid = new boolean[batch.size()];
    List<Send> fresh = new ArrayList<>(batch.size());
    List<CompletableFuture<Frame>> slots = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      String id = batch.get(i).getClientMsgId();
      Frame refusal = invalidId(id);
      if (refusal != null) {
        invalid[i] = true;
        answers.add(CompletableFuture.completedFuture(refusal));
        continue;
      }
      CompletableFuture<Frame> mine = new CompletableFuture<>();
      CompletionStage<Frame> earlier = dedup.claim(user, id, mine); // a retry, maybe of this batch's
      answers.add(earlier != null ? earlier : mine);
      if (earlier != null) {
        continue;
      }
      long wait = limiter == null ? 0 : limiter.acquire(user);
      if (wait > 0) {
        dedup.settle(user, id, mine, rateLimited(id, wait), null);
      } else {
        fresh.add(batch.get(i));
        slots.add(mine);
      }
    }
    if (!fresh.isEmpty()) {
      if (shared == null) {
        runHandler(
            ctx,
            fresh,
            (i, frame) -> dedup.settle(user, fresh.get(i).getClientMsgId(), slots.get(i), frame, null));
      } else {
        onceShared(user, ctx, fresh, slots);
      }
    }
    // Counted as handle counts them (refused ids are not), once answered: usually in line by now.
    for (int i = 0; i < answers.size(); i++) {
      if (!invalid[i]) {
        answers.set(i, reported(answers.get(i), start));
      }
    }
    return answers;
  }

  /** Counts the send's answer: in line when answered, else when the answer comes. */
  private CompletionStage<Frame> reported(CompletionStage<Frame> answer, long start) {
    if (Stages.succeeded(answer)) {
      // Events that throw fail the stage, as they do from whenComplete, not the transport's call.
      try {
        reportAnswered(Stages.value(answer), start);
      } catch (RuntimeException e) {
        return Stages.failed(e);
      }
      return answer;
    }
    return answer.whenComplete((frame, err) -> reportAnswered(frame, start));
  }

  /** The refusal of a client_msg_id that cannot be a dedup key, or null if it can. */
  private static Frame invalidId(String id) {
    if (id.isEmpty()) {
      return Frames.error(ErrorCode.INVALID_ARGUMENT, "Send.client_msg_id is required");
    }
    if (id.length() > MAX_CLIENT_MSG_ID_LENGTH) {
      return Frames.error(
          ErrorCode.INVALID_ARGUMENT,
          "Send.client_msg_id longer than " + MAX_CLIENT_MSG_ID_LENGTH + " characters");
    }
    return null;
  }

  /** Where a batch's answers go: the i-th send's answer, never null, never a failure. */
  private interface Answered {
    void answer(int i, Frame frame);
  }

  /** Runs the handler on {@code sends} and gives {@code done} each one's answer frame. */
  private void runHandler(SendContext ctx, List<Send> sends, Answered done) {
    List<CompletionStage<Frame>> stages;
    try {
      stages = handler.onSends(ctx, sends);
      if (stages == null || stages.size() != sends.size()) {
        throw new IllegalStateException(
            "business handler answered " + (stages == null ? "nothing" : stages.size() + " stages")
                + " for " + sends.size() + " sends");
      }
    } catch (RuntimeException e) {
      for (int i = 0; i < sends.size(); i++) {
        done.answer(i, answer(null, e, sends.get(i).getClientMsgId()));
      }
      return;
    }
    for (int i = 0; i < sends.size(); i++) {
      CompletionStage<Frame> stage = stages.get(i);
      String id = sends.get(i).getClientMsgId();
      if (stage == null || Stages.succeeded(stage)) {
        done.answer(i, answer(stage == null ? null : Stages.value(stage), null, id));
      } else {
        int at = i;
        stage.whenComplete((frame, err) -> done.answer(at, answer(frame, err, id)));
      }
    }
  }

  /**
   * A batch's new sends, claimed where every node sees them: those another node answered get
   * that answer, the rest go to the handler together once every claim is back.
   */
  private void onceShared(
      String user, SendContext ctx, List<Send> sends, List<CompletableFuture<Frame>> slots) {
    List<CompletableFuture<Optional<Frame>>> claims = new ArrayList<>(sends.size());
    for (Send send : sends) {
      CompletableFuture<Optional<Frame>> claim;
      try {
        claim = shared.claim(user, send.getClientMsgId()).toCompletableFuture();
      } catch (RuntimeException e) {
        claim = CompletableFuture.failedFuture(e);
      }
      claims.add(claim);
    }
    CompletableFuture.allOf(claims.toArray(new CompletableFuture<?>[0]))
        .whenComplete(
            (v, ignored) -> {
              List<Send> mine = new ArrayList<>(sends.size());
              List<Integer> at = new ArrayList<>(sends.size());
              for (int i = 0; i < sends.size(); i++) {
                String id = sends.get(i).getClientMsgId();
                CompletableFuture<Optional<Frame>> claim = claims.get(i);
                if (claim.isCompletedExceptionally()) {
                  Throwable err = claim.handle((x, e) -> e).join();
                  dedup.settle(user, id, slots.get(i), answer(null, err, id), null);
                } else if (claim.join().isPresent()) {
                  events.dedupHit();
                  log.debug("Send {} of {} answered from the shared dedup window", id, user);
                  dedup.settle(user, id, slots.get(i), claim.join().get(), null);
                } else {
                  mine.add(sends.get(i));
                  at.add(i);
                }
              }
              if (!mine.isEmpty()) {
                runHandler(
                    ctx,
                    mine,
                    (j, frame) ->
                        keepShared(user, mine.get(j).getClientMsgId(), slots.get(at.get(j)), frame));
              }
            });
  }

  /** Keeps a claimed send's answer for the other nodes (or lets its key go), then settles it here. */
  private void keepShared(String user, String id, CompletableFuture<Frame> slot, Frame frame) {
    CompletionStage<Void> kept;
    try {
      kept =
          frame.getKindCase() == Frame.KindCase.SEND_ACK
              ? shared.remember(user, id, frame, sharedTtl)
              : shared.forget(user, id);
    } catch (RuntimeException e) {
      kept = CompletableFuture.failedFuture(e);
    }
    // The answer stands even if keeping it failed: the send was handled.
    kept.whenComplete((v, err) -> dedup.settle(user, id, slot, frame, null));
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

package io.linkgate.router.internal;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Send;
import io.linkgate.api.proto.SendAck;
import io.linkgate.router.BusinessHandler;
import io.linkgate.router.Message;
import io.linkgate.router.SendContext;
import io.linkgate.router.store.PendingPush;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a router does with {@code Send} when no business handler is set.
 *
 * <ul>
 *   <li>{@code user:X}: pushed to X, and a copy pushed to the sender. The copy takes a seq in the
 *       sender's own space and goes to all the sender's devices, the sending one included: every
 *       device of a user sees every seq, which is what keeps each device's stream gap-free. A client
 *       recognises its own message by {@code from} and {@code msg_id}. Sending to yourself is one push.
 *   <li>{@code room:R}: fan-out to R's current subscribers, best effort, seq 0.
 * </ul>
 *
 * The SendAck is returned once the pushes are in the inboxes.
 */
final class DefaultBusinessHandler implements BusinessHandler {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DefaultBusinessHandler.class);
  private static final String USER = "user:";
  private static final String ROOM = "room:";

  /**
   * The most sends stored in one append, whatever the inbox. A run's pushes are delivered after the
   * whole run is in the inbox; if another sender's push to the same user is delivered first, the
   * device's gap is filled from the inbox, which must still hold the run's first push. A run as
   * long as the inbox (a 64-frame POST into a 64-push inbox) pushed its own start out before that
   * fill, and the device was told RESYNC_REQUIRED.
   */
  static final int MAX_RUN = 16;

  private final Engine engine;
  /** At most a quarter of the inbox, so that a few concurrent runs fit it together. */
  private final int maxRun;

  /** @param inboxCapacity the most pushes an inbox keeps, if the store says */
  DefaultBusinessHandler(Engine engine, OptionalInt inboxCapacity) {
    this.engine = engine;
    this.maxRun = maxRun(inboxCapacity);
  }

  static int maxRun(OptionalInt inboxCapacity) {
    return inboxCapacity.isPresent()
        ? Math.max(1, Math.min(MAX_RUN, inboxCapacity.getAsInt() / 4))
        : MAX_RUN;
  }

  @Override
  public CompletionStage<Frame> onSend(SendContext ctx, Send send) {
    String to = send.getTo();
    String sender = ctx.identity().userId();
    String msgId = engine.nextMsgId();
    long now = engine.clock().millis();
    Message message = new Message(sender, to, send.getPayload(), send.getHeadersMap());
    logSend(ctx, send, msgId);
    CompletionStage<?> done;
    if (to.startsWith(USER) && to.length() > USER.length()) {
      String target = to.substring(USER.length());
      Engine.checkId("user id", target);
      // Both pushes name the Send's `to`, so they differ in seq alone: one encoding serves both.
      PendingPush push = Engine.userPush(target, msgId, now, message);
      CompletionStage<?> toTarget = engine.push(target, push);
      CompletionStage<?> toSender = target.equals(sender) ? toTarget : engine.push(sender, push);
      done = both(toTarget, toSender);
    } else if (to.startsWith(ROOM) && to.length() > ROOM.length()) {
      done = engine.publishToRoom(to.substring(ROOM.length()), msgId, now, message);
    } else {
      return CompletableFuture.failedFuture(
          new GatewayException(
              ErrorCode.INVALID_ARGUMENT,
              "Send.to must be user:<id> or room:<id>, got '" + Engine.abbreviate(to) + "'",
              send.getClientMsgId()));
    }
    return acked(done, send, msgId, now);
  }

  /**
   * As {@link #onSend} for each, but a run of consecutive sends to one user (up to {@link
   * #maxRun}) is stored with one append to the target's inbox and one to the sender's, and
   * delivered in one go: the pushes keep the sends' order in both seq spaces. Sends to rooms, and
   * runs of one, go one by one.
   */
  @Override
  public List<CompletionStage<Frame>> onSends(SendContext ctx, List<Send> sends) {
    List<CompletionStage<Frame>> answers = new ArrayList<>(sends.size());
    int i = 0;
    while (i < sends.size()) {
      String to = sends.get(i).getTo();
      int end = i + 1;
      if (to.startsWith(USER) && to.length() > USER.length()) {
        while (end < sends.size() && end - i < maxRun && sends.get(end).getTo().equals(to)) {
          end++;
        }
      }
      if (end - i == 1) {
        answers.add(one(ctx, sends.get(i)));
      } else {
        run(ctx, to.substring(USER.length()), sends.subList(i, end), answers);
      }
      i = end;
    }
    return answers;
  }

  private CompletionStage<Frame> one(SendContext ctx, Send send) {
    try {
      return onSend(ctx, send);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Sends to {@code target}, stored and delivered together; adds one answer per send. */
  private void run(
      SendContext ctx, String target, List<Send> sends, List<CompletionStage<Frame>> answers) {
    try {
      Engine.checkId("user id", target);
    } catch (GatewayException e) {
      for (int i = 0; i < sends.size(); i++) {
        answers.add(CompletableFuture.failedFuture(e));
      }
      return;
    }
    String sender = ctx.identity().userId();
    long now = engine.clock().millis();
    List<PendingPush> pushes = new ArrayList<>(sends.size());
    String[] msgIds = new String[sends.size()];
    int first = answers.size();
    for (int i = 0; i < sends.size(); i++) {
      Send send = sends.get(i);
      String msgId = engine.nextMsgId();
      msgIds[i] = msgId;
      logSend(ctx, send, msgId);
      PendingPush push =
          Engine.userPush(
              target, msgId, now, new Message(sender, send.getTo(), send.getPayload(), send.getHeadersMap()));
      GatewayException tooLarge = engine.refuseUndeliverable(push);
      answers.add(tooLarge != null ? CompletableFuture.failedFuture(tooLarge) : null);
      if (tooLarge == null) {
        pushes.add(push);
      }
    }
    if (pushes.isEmpty()) {
      return;
    }
    CompletionStage<?> toTarget = engine.push(target, pushes);
    CompletionStage<?> toSender = target.equals(sender) ? toTarget : engine.push(sender, pushes);
    CompletionStage<?> done = both(toTarget, toSender);
    for (int i = 0; i < sends.size(); i++) {
      if (answers.get(first + i) == null) {
        answers.set(first + i, acked(done, sends.get(i), msgIds[i], now));
      }
    }
  }

  /** To yourself one push; with the sender's copy already stored, only the target's is awaited. */
  private static CompletionStage<?> both(CompletionStage<?> toTarget, CompletionStage<?> toSender) {
    return toSender == toTarget || Stages.succeeded(toSender)
        ? toTarget
        : toTarget.thenCombine(toSender, (a, b) -> a);
  }

  /** The send's ack, once {@code done} (its pushes stored) completes. */
  private static CompletionStage<Frame> acked(CompletionStage<?> done, Send send, String msgId, long now) {
    Frame ack =
        Frame.newBuilder()
            .setSendAck(
                SendAck.newBuilder()
                    .setClientMsgId(send.getClientMsgId())
                    .setMsgId(msgId)
                    .setServerTimeMs(now))
            .build();
    return Stages.succeeded(done) ? CompletableFuture.completedFuture(ack) : done.thenApply(x -> ack);
  }

  private static void logSend(SendContext ctx, Send send, String msgId) {
    if (log.isDebugEnabled()) {
      // The W3C trace context rides in the headers to every delivery; the log line carries it too.
      log.atDebug()
          .addKeyValue("trace", send.getHeadersOrDefault("traceparent", ""))
          .addKeyValue("user", ctx.identity().userId())
          .addKeyValue("device", ctx.deviceId())
          .log("send {} as {} to {}", send.getClientMsgId(), msgId, Engine.abbreviate(send.getTo()));
    }
  }
}

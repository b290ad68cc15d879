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

  private final Engine engine;

  DefaultBusinessHandler(Engine engine) {
    this.engine = engine;
  }

  @Override
  public CompletionStage<Frame> onSend(SendContext ctx, Send send) {
    String to = send.getTo();
    String sender = ctx.identity().userId();
    String msgId = engine.nextMsgId();
    long now = engine.clock().millis();
    Message message = new Message(sender, to, send.getPayload(), send.getHeadersMap());
    if (log.isDebugEnabled()) {
      // The W3C trace context rides in the headers to every delivery; the log line carries it too.
      log.atDebug()
          .addKeyValue("trace", send.getHeadersOrDefault("traceparent", ""))
          .addKeyValue("user", sender)
          .addKeyValue("device", ctx.deviceId())
          .log("send {} as {} to {}", send.getClientMsgId(), msgId, Engine.abbreviate(to));
    }
    CompletionStage<?> done;
    if (to.startsWith(USER) && to.length() > USER.length()) {
      String target = to.substring(USER.length());
      Engine.checkId("user id", target);
      // Both pushes name the Send's `to`, so they differ in seq alone: one encoding serves both.
      PendingPush push = Engine.userPush(target, msgId, now, message);
      CompletionStage<?> toTarget = engine.push(target, push);
      CompletionStage<?> toSender = target.equals(sender) ? toTarget : engine.push(sender, push);
      // To yourself one push; with the sender's copy already stored, only the target's is awaited.
      done =
          toSender == toTarget || Stages.succeeded(toSender)
              ? toTarget
              : toTarget.thenCombine(toSender, (a, b) -> a);
    } else if (to.startsWith(ROOM) && to.length() > ROOM.length()) {
      done = engine.publishToRoom(to.substring(ROOM.length()), msgId, now, message);
    } else {
      return CompletableFuture.failedFuture(
          new GatewayException(
              ErrorCode.INVALID_ARGUMENT,
              "Send.to must be user:<id> or room:<id>, got '" + Engine.abbreviate(to) + "'",
              send.getClientMsgId()));
    }
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
}

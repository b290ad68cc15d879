package io.linkgate.router.internal;

import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Send;
import io.linkgate.router.BusinessHandler;
import io.linkgate.router.SendContext;
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
  private final BusinessHandler handler;

  Sends(SendDedup dedup, BusinessHandler handler) {
    this.dedup = dedup;
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
    return dedup.once(ctx.identity().userId(), id, () -> callHandler(ctx, send));
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

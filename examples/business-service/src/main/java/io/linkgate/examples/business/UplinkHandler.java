package io.linkgate.examples.business;

import com.google.protobuf.ByteString;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.router.Message;
import io.linkgate.router.Router;
import io.linkgate.router.stream.StreamConsumer;
import io.linkgate.router.stream.UplinkMessage;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the service does with each send the gateways stored in the stream: the wiring between the
 * stream, the bot and the router. The decisions about what to answer are {@link TimeBot}'s.
 *
 * <ul>
 *   <li>To the bot's user: a copy to the sender (with the send's {@code msg_id}, as the gateway's
 *       default handling makes, so the sender's other devices see the question too), then the bot's
 *       answer, from the bot, with the header {@value #IN_REPLY_TO} naming the question's {@code
 *       msg_id}.
 *   <li>To another user: delivered as the gateway's default handling would, to the recipient and a
 *       copy to the sender, both with the {@code msg_id} and server time of the sender's {@code
 *       SendAck}. A message the router refuses for good (too large once addressed, a bad user id)
 *       is not delivered and the sender is told why, by a system push (empty {@code from}) with the
 *       headers {@value #UNDELIVERED} and {@value #REASON}.
 *   <li>To a room: published with the send's {@code msg_id}, best effort as rooms are.
 * </ul>
 *
 * <p>Every push is made once per send ({@link DeliveryLedger}), and each user's pushes in stream
 * order ({@link UserLanes}). A failure that may pass (Redis unreachable) fails the entry's stage, so
 * the consumer leaves it pending and it is handed out again later.
 */
final class UplinkHandler implements StreamConsumer.Handler {
  private static final Logger log = LoggerFactory.getLogger(UplinkHandler.class);
  static final String IN_REPLY_TO = "in-reply-to";
  static final String UNDELIVERED = "undelivered-msg-id";
  static final String REASON = "reason";
  private static final String USER = "user:";
  private static final String ROOM = "room:";

  private final Router router;
  private final DeliveryLedger ledger;
  private final TimeBot bot;
  private final String botUser;
  private final int maxFrameBytes;
  private final UserLanes lanes = new UserLanes();

  UplinkHandler(Router router, DeliveryLedger ledger, TimeBot bot, String botUser, int maxFrameBytes) {
    this.router = router;
    this.ledger = ledger;
    this.bot = bot;
    this.botUser = botUser;
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  public CompletionStage<?> onMessage(UplinkMessage m) {
    String to = m.to();
    if (to.equals(USER + botUser)) {
      return askBot(m);
    }
    if (to.startsWith(USER) && to.length() > USER.length()) {
      return forward(m, to.substring(USER.length()));
    }
    if (to.startsWith(ROOM) && to.length() > ROOM.length()) {
      String room = to.substring(ROOM.length());
      return step(m, "room", "room:" + room, () -> router.publishToRoom(room, m.msgId(), m.serverTimeMs(), asSent(m)))
          .thenAccept(refused -> logRefused(m, refused));
    }
    // The gateway's stream handler refuses such a send; an entry like this was written by something else.
    log.warn("entry {} from {}: cannot route to '{}'; dropped", m.id(), m.from(), abbreviate(to));
    return CompletableFuture.completedFuture(null);
  }

  private CompletionStage<?> askBot(UplinkMessage m) {
    // Both queued now, in this order, on the sender's lane: the question reaches the sender's
    // devices before the answer.
    CompletionStage<ErrorCode> copy =
        step(m, "copy", m.from(), () -> router.push(m.from(), m.msgId(), m.serverTimeMs(), asSent(m)));
    CompletionStage<ErrorCode> reply =
        step(m, "reply", m.from(), () -> router.push(m.from(), answer(m)));
    // A question too large to copy back still gets its answer (the bot says it is too long).
    return copy.thenCombine(reply, (c, r) -> {
      logRefused(m, r);
      return null;
    });
  }

  private Message answer(UplinkMessage m) {
    String text = bot.answer(m.payload());
    log.debug("bot answers {} ({}): {}", m.from(), m.msgId(), abbreviate(text));
    return new Message(botUser, USER + m.from(), ByteString.copyFromUtf8(text), Map.of(IN_REPLY_TO, m.msgId()));
  }

  private CompletionStage<?> forward(UplinkMessage m, String target) {
    Message message = asSent(m);
    CompletionStage<ErrorCode> toTarget =
        step(m, "to", target, () -> router.push(target, m.msgId(), m.serverTimeMs(), message));
    CompletionStage<ErrorCode> copy =
        target.equals(m.from())
            ? toTarget
            : step(m, "copy", m.from(), () -> router.push(m.from(), m.msgId(), m.serverTimeMs(), message));
    return toTarget
        .thenCombine(copy, (t, c) -> t != null ? t : c)
        .thenCompose(
            refused -> {
              if (refused == null) {
                return CompletableFuture.completedFuture(null);
              }
              logRefused(m, refused);
              return step(m, "notice", m.from(), () -> router.push(m.from(), undelivered(m, refused)));
            });
  }

  private Message undelivered(UplinkMessage m, ErrorCode reason) {
    String why =
        reason == ErrorCode.FRAME_TOO_LARGE
            ? "it is larger than the " + maxFrameBytes + "-byte frame limit once addressed"
            : "it was refused (" + reason + ")";
    String text = "Your message " + m.msgId() + " to " + abbreviate(m.to()) + " was not delivered: " + why + ".";
    return new Message("", USER + m.from(), ByteString.copyFrom(text, StandardCharsets.UTF_8),
        Map.of(UNDELIVERED, m.msgId(), REASON, reason.name()));
  }

  /**
   * Makes one push of {@code m} on {@code lane}'s turn, unless the ledger says it was made already.
   *
   * @return null when made (now or before), the code when the router refused it for good; failed
   *     when it may succeed later
   */
  private CompletionStage<ErrorCode> step(
      UplinkMessage m, String step, String lane, Supplier<? extends CompletionStage<?>> push) {
    return lanes
        .run(lane, () -> ledger.once(m.from(), m.clientMsgId(), step, m.id(), push))
        .thenApply(
            made -> {
              if (!made) {
                log.info("entry {}: push '{}' of {} from {} was made before; not repeated", m.id(), step, m.msgId(), m.from());
              }
              return (ErrorCode) null;
            })
        .exceptionallyCompose(
            err -> {
              ErrorCode code = GatewayException.from(err).code();
              boolean forGood = code == ErrorCode.FRAME_TOO_LARGE || code == ErrorCode.INVALID_ARGUMENT;
              return forGood ? CompletableFuture.completedFuture(code) : CompletableFuture.failedFuture(err);
            });
  }

  private static void logRefused(UplinkMessage m, ErrorCode refused) {
    if (refused != null) {
      log.warn("entry {}: {} from {} to {} refused for good ({})", m.id(), m.msgId(), m.from(), abbreviate(m.to()), refused);
    }
  }

  /** The message as its sender sent it: {@code from} is the sender the gateway authenticated. */
  private static Message asSent(UplinkMessage m) {
    return new Message(m.from(), m.to(), m.payload(), m.headers());
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}

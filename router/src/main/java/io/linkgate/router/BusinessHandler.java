package io.linkgate.router;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Send;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Handles the {@code Send} frames clients put on their uplinks. Setting one in {@link
 * Router.Builder#businessHandler} replaces the default handling (direct messages and rooms); the
 * handler may still deliver through {@link SendContext#router()}.
 *
 * <p>Called on transport threads: never block; complete the stage later instead.
 */
@FunctionalInterface
public interface BusinessHandler {
  /**
   * @return a {@code SendAck} frame, or an {@code Error} frame carrying the send's {@code
   *     client_msg_id}; a stage failed with a {@link io.linkgate.api.GatewayException} becomes that
   *     exception's {@code Error}, any other failure an {@code INTERNAL} error
   */
  CompletionStage<Frame> onSend(SendContext ctx, Send send);

  /**
   * Handles new sends that arrived together on one uplink (a tunnel POST's body), in their order:
   * one stage per send, in the same order, each what {@link #onSend} would return for it. The
   * router has already answered retries and refusals, so these are the sends to act on. The
   * default calls {@code onSend} for each; a handler that can act on several at once (one store
   * round trip for a batch to one recipient) overrides it.
   */
  default List<CompletionStage<Frame>> onSends(SendContext ctx, List<Send> sends) {
    List<CompletionStage<Frame>> answers = new ArrayList<>(sends.size());
    for (Send send : sends) {
      CompletionStage<Frame> answer;
      try {
        answer = onSend(ctx, send);
      } catch (RuntimeException e) { // that send's failure, not the others'
        answer = CompletableFuture.failedFuture(e);
      }
      answers.add(answer);
    }
    return answers;
  }
}

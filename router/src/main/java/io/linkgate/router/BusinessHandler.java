package io.linkgate.router;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Send;
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
}

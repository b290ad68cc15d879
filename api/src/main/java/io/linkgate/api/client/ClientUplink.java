package io.linkgate.api.client;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Welcome;
import java.util.concurrent.CompletionStage;

/** An open uplink, client side. Calls may be pipelined; answers come back in order. */
public interface ClientUplink {
  Welcome welcome();

  /**
   * Sends one frame and completes with the server's answer to it: {@code SendAck}, {@code Error},
   * {@code Pong}, or the empty frame acknowledging {@code PushAck}/{@code Subscribe}/{@code
   * Unsubscribe}. Fails with an {@link java.io.IOException} if the connection is lost first.
   */
  CompletionStage<Frame> call(Frame frame);

  boolean isOpen();

  /** Closes the connection; pending calls fail. Idempotent. */
  void close();
}

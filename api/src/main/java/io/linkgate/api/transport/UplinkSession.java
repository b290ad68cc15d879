package io.linkgate.api.transport;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Welcome;
import java.util.concurrent.CompletionStage;

/**
 * The core's side of one uplink connection (or, on the HTTP tunnel, one authenticated request),
 * implemented by the router.
 */
public interface UplinkSession {
  Welcome welcome();

  /**
   * Handles one frame. Every frame gets exactly one answer, and transports deliver answers in the
   * order the frames arrived: {@code SendAck} for {@code Send}; the empty frame ({@link
   * Frame#getDefaultInstance()}) as the acknowledgement of {@code PushAck}, {@code Subscribe} and
   * {@code Unsubscribe}; {@code Pong} for {@code Ping}; or an {@code Error}. The stage completes
   * normally in all these cases.
   */
  CompletionStage<Frame> handle(Frame frame);

  /** The connection is gone. Called at most once. */
  void onClosed();
}

package io.linkgate.api.transport;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Welcome;
import java.util.List;
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

  /**
   * Handles frames that arrived together (a tunnel POST's body, a TCP read), in order, as {@link
   * #handle} would one by one: one stage per frame, in the same order, each completing as that
   * frame's answer does. The core may do the work of several frames at once, so that a batch of
   * sends to one recipient takes one store round trip rather than one each; a wrapper that only
   * overrides {@link #handle} gets the frames through it.
   */
  default List<CompletionStage<Frame>> handleAll(List<Frame> frames) {
    return FrameAnswers.handleEach(frames, this::handle);
  }

  /** The connection is gone. Called at most once. */
  void onClosed();
}

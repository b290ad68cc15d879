package io.linkgate.api.transport;

import io.linkgate.api.proto.Frame;
import java.util.concurrent.CompletionStage;

/** The core's side of one downlink connection, implemented by the router. */
public interface DownlinkSession {
  String sessionId();

  /**
   * A frame the client sent on this downlink after {@code Hello}, other than {@code Ping} (which the
   * transport answers itself): {@code PushAck}, {@code Subscribe}, {@code Unsubscribe}.
   *
   * @return a frame to send back (an {@code Error}), or the empty frame ({@link
   *     Frame#getDefaultInstance()}) when there is nothing to say
   */
  CompletionStage<Frame> onFrame(Frame frame);

  /** The connection is gone. Called exactly once, after the open stage completed. */
  void onClosed();
}

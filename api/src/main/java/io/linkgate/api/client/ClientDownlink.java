package io.linkgate.api.client;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Welcome;

/** An open downlink, client side. */
public interface ClientDownlink {
  Welcome welcome();

  /** Sends {@code PushAck}, {@code Ping}, {@code Subscribe} or {@code Unsubscribe}. Never blocks. */
  void send(Frame frame);

  boolean isOpen();

  /** Closes the connection; the listener's {@code onClosed} follows. Idempotent. */
  void close();

  /** Receives what the server sends after {@code Welcome}. Calls come from one thread at a time. */
  interface Listener {
    /** A {@code Push}, {@code Pong}, {@code GoAway} or {@code Error} frame, in arrival order. */
    void onFrame(Frame frame);

    /**
     * The connection is gone; called exactly once, and only after the open stage completed.
     *
     * @param cause why, or null for a close this side asked for
     */
    void onClosed(Throwable cause);
  }
}

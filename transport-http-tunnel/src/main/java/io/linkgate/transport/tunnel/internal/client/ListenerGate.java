package io.linkgate.transport.tunnel.internal.client;

import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.proto.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way to a downlink listener: calls one at a time, nothing after {@code onClosed}, and
 * {@code onClosed} exactly once. A listener that throws is logged, not obeyed.
 */
final class ListenerGate {
  private static final Logger log = LoggerFactory.getLogger(ListenerGate.class);

  private final ClientDownlink.Listener listener;
  private boolean closed; // guarded by this

  ListenerGate(ClientDownlink.Listener listener) {
    this.listener = listener;
  }

  synchronized void frame(Frame frame) {
    if (closed) {
      return;
    }
    try {
      listener.onFrame(frame);
    } catch (RuntimeException e) {
      log.warn("downlink listener failed on {}: {}", frame.getKindCase(), e.toString());
    }
  }

  /** Reports the close, unless it was reported already; returns whether this call did. */
  synchronized boolean closed(Throwable cause) {
    if (closed) {
      return false;
    }
    closed = true;
    try {
      listener.onClosed(cause);
    } catch (RuntimeException e) {
      log.warn("downlink listener failed in onClosed: {}", e.toString());
    }
    return true;
  }

  synchronized boolean isClosed() {
    return closed;
  }
}

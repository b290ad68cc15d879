package io.linkgate.example.websocket.internal;

import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.util.Callback;

/** An open downlink, client side: the listener hears every frame after Welcome, then the close. */
final class ClientDownlinkConnection extends ClientConnection implements ClientDownlink {
  private final Listener listener;
  private final AtomicBoolean closedOnce = new AtomicBoolean();

  ClientDownlinkConnection(Hello hello, int maxFrameBytes, Listener listener) {
    super(hello, maxFrameBytes);
    this.listener = listener;
  }

  @Override
  public void send(Frame frame) {
    send(frame, Callback.NOOP);
  }

  @Override
  void onMessage(Frame frame) {
    listener.onFrame(frame);
  }

  @Override
  void onGone(Throwable cause) {
    if (closedOnce.compareAndSet(false, true)) {
      listener.onClosed(cause);
    }
  }
}

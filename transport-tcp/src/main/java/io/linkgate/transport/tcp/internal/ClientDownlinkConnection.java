package io.linkgate.transport.tcp.internal;

import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An open downlink, client side: frames go to the listener on the connection's event loop. */
final class ClientDownlinkConnection extends ClientConnection<ClientDownlink>
    implements ClientDownlink {
  private static final Logger log = LoggerFactory.getLogger(ClientDownlinkConnection.class);

  private final Listener listener;

  ClientDownlinkConnection(Hello hello, long timeoutMillis, Listener listener) {
    super(hello, timeoutMillis);
    this.listener = listener;
  }

  @Override
  protected ClientDownlink self() {
    return this;
  }

  @Override
  public void send(Frame frame) {
    Channel ch = channel;
    if (ch != null && isOpen()) {
      ch.writeAndFlush(FrameBufs.of(frame), ch.voidPromise());
    }
  }

  @Override
  protected void onFrame(Frame frame) {
    try {
      listener.onFrame(frame);
    } catch (RuntimeException e) {
      log.warn("downlink listener failed on {}: {}", frame.getKindCase(), e.toString());
    }
  }

  @Override
  protected void onClosed(Throwable cause) {
    try {
      listener.onClosed(cause);
    } catch (RuntimeException e) {
      log.warn("downlink listener failed in onClosed: {}", e.toString());
    }
  }
}

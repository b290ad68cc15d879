package io.linkgate.transport.tcp.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection after a last frame so that the peer can actually read that frame.
 *
 * <p>Closing a socket while the peer's bytes are still unread makes the kernel reset the
 * connection, and a reset can destroy the last frame in flight. So once the last write is out, the
 * output side is shut down (the peer reads the frame, then end of stream), input is read and
 * dropped until the peer closes, and a grace timer closes the channel in any case: a peer that
 * never reads does not hold the connection.
 */
final class Closing {
  private Closing() {}

  /** Event loop only. {@code lastWrite} completes once the last frame is written. */
  static void afterWrite(Channel ch, ChannelFuture lastWrite, long graceMillis) {
    var timer = ch.eventLoop().schedule(() -> ch.close(), graceMillis, TimeUnit.MILLISECONDS);
    ch.closeFuture().addListener(f -> timer.cancel(false));
    lastWrite.addListener(f -> shutdownOutput(ch));
  }

  private static void shutdownOutput(Channel ch) {
    if (!ch.isActive()) {
      return;
    }
    ch.config().setAutoRead(true); // read (and drop) until the peer's end of stream
    if (!(ch instanceof DuplexChannel duplex)) {
      ch.close();
      return;
    }
    SslHandler tls = ch.pipeline().get(SslHandler.class);
    if (tls != null) {
      // close_notify first, so a TLS peer sees a clean end rather than a truncation.
      tls.closeOutbound().addListener(f -> duplex.shutdownOutput());
    } else {
      duplex.shutdownOutput();
    }
  }
}

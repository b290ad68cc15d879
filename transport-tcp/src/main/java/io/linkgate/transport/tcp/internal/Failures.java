package io.linkgate.transport.tcp.internal;

import io.linkgate.api.GatewayException;
import io.linkgate.api.transport.TransportError;
import io.netty.channel.Channel;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;

/** How a connection's exceptions are logged: peers misbehave all the time, that is no error. */
final class Failures {
  private Failures() {}

  static void log(Logger log, Channel ch, Throwable cause) {
    if (causedByPeer(cause)) {
      if (log.isDebugEnabled()) {
        log.debug("{}: connection failed: {}", ch.remoteAddress(), cause.toString());
      }
    } else {
      // Not the peer's doing: worth a line, but never a trace on the peer's account.
      log.warn("{}: unexpected failure, closing: {}", ch.remoteAddress(), cause.toString());
      log.debug("{}: unexpected failure", ch.remoteAddress(), cause);
    }
  }

  /** What {@code cause} counts as: TLS trouble, or any other failure of the connection. */
  static TransportError kind(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        return TransportError.TLS;
      }
    }
    return TransportError.IO;
  }

  /** Connection resets, TLS garbage and the like. */
  static boolean causedByPeer(Throwable cause) {
    return cause instanceof IOException
        || cause instanceof DecoderException
        || cause.getCause() instanceof SSLException;
  }

  /**
   * Why the core refused to open a session, as the error the client is sent. A refusal (a {@link
   * GatewayException}) is routine; anything else is the core's bug and worth a warning.
   */
  static GatewayException refusal(Logger log, Channel ch, Throwable failure) {
    GatewayException refusal = GatewayException.from(failure);
    boolean routine = false;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      routine |= t instanceof GatewayException;
    }
    if (routine) {
      log.debug(
          "{}: session refused: {} {}", ch.remoteAddress(), refusal.code(), refusal.getMessage());
    } else {
      log.warn("{}: the core failed to open a session", ch.remoteAddress(), failure);
    }
    return refusal;
  }

  /** The IOException behind {@code cause} (a TLS failure arrives wrapped by the decoder). */
  static IOException asIoException(Throwable cause) {
    if (cause instanceof DecoderException && cause.getCause() instanceof IOException io) {
      return io;
    }
    return cause instanceof IOException io ? io : new IOException(cause.toString(), cause);
  }
}

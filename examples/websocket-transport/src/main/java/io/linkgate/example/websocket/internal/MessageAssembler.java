package io.linkgate.example.websocket.internal;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import java.nio.ByteBuffer;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * Puts one binary message together from its WebSocket frames, refusing it as soon as it passes the
 * limit, so a message of many fragments costs at most the limit in memory. (A single frame over
 * the limit never gets here: Jetty's parser refuses it from its header.) Not thread-safe; one per
 * connection.
 */
final class MessageAssembler {
  /** A buffer grown for one large message is dropped after it rather than kept per connection. */
  private static final int KEPT_BUFFER_BYTES = 4 * 1024;

  private final int maxBytes;
  private byte[] buffer = new byte[0];
  private int size;

  MessageAssembler(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * Adds a data frame ({@code BINARY}, {@code TEXT} or {@code CONTINUATION}).
   *
   * @return the whole message once its last frame arrived, else null. Valid until the next call.
   * @throws GatewayException {@code BAD_FRAME} for a text message, {@code FRAME_TOO_LARGE} for a
   *     message over the limit
   */
  ByteBuffer add(Frame frame) {
    if (frame.getOpCode() == OpCode.TEXT) {
      throw new GatewayException(
          ErrorCode.BAD_FRAME, "text message; Linkgate frames travel in binary messages");
    }
    if (frame.getOpCode() == OpCode.BINARY) {
      size = 0;
    }
    ByteBuffer payload = frame.hasPayload() ? frame.getPayload() : ByteBuffer.allocate(0);
    int length = payload.remaining();
    if ((long) size + length > maxBytes) {
      size = 0;
      throw new GatewayException(
          ErrorCode.FRAME_TOO_LARGE,
          "message of more than " + maxBytes + " bytes exceeds the limit of " + maxBytes);
    }
    if (frame.isFin() && size == 0) {
      return payload; // the common case: a whole message in one frame, no copy
    }
    if (buffer.length < size + length) {
      byte[] grown = new byte[Math.min(maxBytes, Math.max(size + length, buffer.length * 2))];
      System.arraycopy(buffer, 0, grown, 0, size);
      buffer = grown;
    }
    payload.get(buffer, size, length);
    size += length;
    if (!frame.isFin()) {
      return null;
    }
    ByteBuffer message = ByteBuffer.wrap(buffer, 0, size);
    size = 0;
    if (buffer.length > KEPT_BUFFER_BYTES) {
      buffer = new byte[0]; // the message still refers to the old array until it is parsed
    }
    return message;
  }
}

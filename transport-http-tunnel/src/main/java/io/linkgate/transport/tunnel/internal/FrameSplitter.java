package io.linkgate.transport.tunnel.internal;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Splits a body into frames as its chunks arrive, in whatever pieces the network delivers them.
 *
 * <p>Bounded: at most one frame is buffered, and each length is checked against the limit as soon
 * as its prefix is complete, before any of the body is kept. After a failure the splitter takes
 * nothing more. Not thread-safe; one per body.
 */
public final class FrameSplitter {
  private final int maxFrameBytes;
  private int length = -1;
  private int headerBytes;
  private int partialLength;
  private byte[] body;
  private int filled;
  private boolean failed;

  public FrameSplitter(int maxFrameBytes) {
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("maxFrameBytes must be positive");
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * Consumes all of {@code chunk}, handing each complete frame to {@code out} in order.
   *
   * @throws GatewayException {@code FRAME_TOO_LARGE} for a length over the limit, {@code BAD_FRAME}
   *     for a malformed length or a body that is not a frame; frames before it were handed out
   */
  public void feed(ByteBuffer chunk, Consumer<Frame> out) {
    if (failed) {
      throw new IllegalStateException("the body already failed to split");
    }
    try {
      while (chunk.hasRemaining()) {
        if (length < 0) {
          readLengthByte(chunk.get());
          if (length == 0) {
            emit(Frame.getDefaultInstance(), out);
          }
        } else if (body == null && chunk.remaining() >= length) {
          // The whole body is here: parse it in place, no copy.
          ByteBuffer slice = chunk.slice();
          slice.limit(length);
          chunk.position(chunk.position() + length);
          emit(FrameCodec.parseBody(slice), out);
        } else {
          if (body == null) {
            body = new byte[length];
          }
          int n = Math.min(chunk.remaining(), length - filled);
          chunk.get(body, filled, n);
          filled += n;
          if (filled == length) {
            byte[] complete = body;
            body = null;
            filled = 0;
            emit(FrameCodec.parseBody(complete, 0, complete.length), out);
          }
        }
      }
    } catch (GatewayException e) {
      failed = true;
      throw e;
    }
  }

  /** True when no frame is partly read: the body may end here. */
  public boolean isBetweenFrames() {
    return length < 0 && headerBytes == 0;
  }

  private void readLengthByte(byte b) {
    if (headerBytes == FrameCodec.MAX_HEADER_BYTES - 1 && (b & 0x80) != 0) {
      throw new GatewayException(ErrorCode.BAD_FRAME, "malformed frame length");
    }
    partialLength |= (b & 0x7f) << (7 * headerBytes);
    headerBytes++;
    if ((b & 0x80) != 0) {
      return;
    }
    int declared = partialLength;
    partialLength = 0;
    headerBytes = 0;
    if (declared < 0 || declared > maxFrameBytes) {
      throw new GatewayException(
          ErrorCode.FRAME_TOO_LARGE,
          "frame of "
              + Integer.toUnsignedString(declared)
              + " bytes exceeds the limit of "
              + maxFrameBytes);
    }
    length = declared;
  }

  private void emit(Frame frame, Consumer<Frame> out) {
    length = -1;
    out.accept(frame);
  }
}

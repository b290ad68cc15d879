package io.linkgate.transport.tunnel.internal;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Splits a body into frames as its chunks arrive, in whatever pieces the network delivers them.
 *
 * <p>Bounded: at most one frame is buffered, and each length is checked against the limit as soon
 * as its prefix is complete, before any of the body is kept. The buffer of a frame that arrives in
 * pieces grows with them (to at most twice what arrived), so a sender that declares a large frame
 * and sends little of it holds little. After a failure the splitter takes nothing more. Not
 * thread-safe; one per body.
 */
public final class FrameSplitter {
  /** The first buffer of a frame that arrives in pieces, if the first piece is smaller. */
  private static final int MIN_PARTIAL_BYTES = 1024;

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
          int n = Math.min(chunk.remaining(), length - filled);
          makeRoom(n);
          chunk.get(body, filled, n);
          filled += n;
          if (filled == length) {
            byte[] complete = body;
            int size = filled;
            body = null;
            filled = 0;
            emit(FrameCodec.parseBody(complete, 0, size), out);
          }
        }
      }
    } catch (GatewayException e) {
      failed = true;
      throw e;
    }
  }

  /** Bytes held for the frame partly read now: its buffer's size, 0 between frames. */
  public int partialFrameBytes() {
    return body == null ? 0 : body.length;
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

  /** Room in the partial frame's buffer for {@code n} more bytes, never more than the frame. */
  private void makeRoom(int n) {
    int needed = filled + n;
    if (body == null) {
      body = new byte[Math.min(length, Math.max(needed, MIN_PARTIAL_BYTES))];
    } else if (body.length < needed) {
      body = Arrays.copyOf(body, Math.min(length, Math.max(needed, body.length * 2)));
    }
  }

  private void emit(Frame frame, Consumer<Frame> out) {
    length = -1;
    out.accept(frame);
  }
}

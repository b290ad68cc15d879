package io.linkgate.api;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte form of frames on streams: each frame preceded by its length as a protobuf varint32
 * (the {@code writeDelimitedTo} format). Lengths are checked against the limit before a body is
 * read, so an oversized frame never costs its size in memory.
 */
public final class FrameCodec {
  /** Default maximum size of one frame body: 64 KiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

  /** A varint32 never takes more than five bytes. */
  public static final int MAX_HEADER_BYTES = 5;

  private FrameCodec() {}

  /**
   * {@code Frame{push}} with its length prefix, as {@link #encode} would give it, written from the
   * push itself: no {@code Frame} is built for it (a push is the hot path of every node).
   */
  public static byte[] encodePush(Push push) {
    int pushSize = push.getSerializedSize();
    int size =
        CodedOutputStream.computeTagSize(Frame.PUSH_FIELD_NUMBER)
            + CodedOutputStream.computeUInt32SizeNoTag(pushSize)
            + pushSize;
    byte[] out = new byte[CodedOutputStream.computeUInt32SizeNoTag(size) + size];
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    try {
      cos.writeUInt32NoTag(size);
      cos.writeMessage(Frame.PUSH_FIELD_NUMBER, push);
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: the array is sized exactly
    }
    return out;
  }

  /** The frame with its length prefix, as one array. */
  public static byte[] encode(Frame frame) {
    int size = frame.getSerializedSize();
    byte[] out = new byte[CodedOutputStream.computeUInt32SizeNoTag(size) + size];
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    try {
      cos.writeUInt32NoTag(size);
      frame.writeTo(cos);
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: the array is sized exactly
    }
    return out;
  }

  /** Concatenated encodings of {@code frames}, as one body. */
  public static byte[] encodeAll(List<Frame> frames) {
    int total = 0;
    for (Frame f : frames) {
      int size = f.getSerializedSize();
      total += CodedOutputStream.computeUInt32SizeNoTag(size) + size;
    }
    byte[] out = new byte[total];
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    try {
      for (Frame f : frames) {
        cos.writeUInt32NoTag(f.getSerializedSize());
        f.writeTo(cos);
      }
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * Reads the length prefix at the buffer's position without consuming it.
   *
   * @return the body length, or -1 if the buffer does not yet hold the whole prefix
   * @throws GatewayException {@code BAD_FRAME} for a malformed prefix, {@code FRAME_TOO_LARGE} for a
   *     length over {@code maxFrameBytes}
   */
  public static int peekLength(ByteBuffer buf, int maxFrameBytes) {
    int pos = buf.position();
    int result = 0;
    for (int i = 0; i < MAX_HEADER_BYTES; i++) {
      if (pos + i >= buf.limit()) {
        return -1;
      }
      byte b = buf.get(pos + i);
      result |= (b & 0x7f) << (7 * i);
      if (b >= 0) {
        return checkLength(result, maxFrameBytes);
      }
    }
    throw new GatewayException(ErrorCode.BAD_FRAME, "malformed frame length");
  }

  /** Number of bytes the varint32 prefix of {@code length} takes. */
  public static int headerSize(int length) {
    return CodedOutputStream.computeUInt32SizeNoTag(length);
  }

  /**
   * How many bytes the length prefix at the start of {@code encoded} takes (a frame as {@link
   * #encode} writes it).
   */
  public static int headerLength(byte[] encoded) {
    for (int i = 0; i < MAX_HEADER_BYTES && i < encoded.length; i++) {
      if (encoded[i] >= 0) {
        return i + 1;
      }
    }
    throw new GatewayException(ErrorCode.BAD_FRAME, "no frame length prefix");
  }

  /** Parses one frame body. */
  public static Frame parseBody(byte[] body, int offset, int length) {
    try {
      return Frame.parser().parseFrom(body, offset, length);
    } catch (InvalidProtocolBufferException e) {
      throw new GatewayException(ErrorCode.BAD_FRAME, "undecodable frame");
    }
  }

  /** Parses one frame body. */
  public static Frame parseBody(ByteBuffer body) {
    try {
      return Frame.parser().parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new GatewayException(ErrorCode.BAD_FRAME, "undecodable frame");
    }
  }

  /**
   * Decodes a whole body of concatenated frames (an HTTP request, say).
   *
   * @throws GatewayException {@code BAD_FRAME} for garbage or a truncated frame, {@code
   *     FRAME_TOO_LARGE} for a frame over the limit or more than {@code maxFrames} frames
   */
  public static List<Frame> decodeAll(byte[] data, int maxFrameBytes, int maxFrames) {
    ByteBuffer buf = ByteBuffer.wrap(data);
    List<Frame> frames = new ArrayList<>();
    while (buf.hasRemaining()) {
      if (frames.size() == maxFrames) {
        throw new GatewayException(
            ErrorCode.FRAME_TOO_LARGE, "more than " + maxFrames + " frames in one body");
      }
      int length = peekLength(buf, maxFrameBytes);
      if (length < 0) {
        throw new GatewayException(ErrorCode.BAD_FRAME, "truncated frame length");
      }
      // The prefix's own size, as sent: a padded (non-minimal) varint is longer than headerSize().
      int start = buf.position() + prefixBytes(buf);
      if (start + length > buf.limit()) {
        throw new GatewayException(ErrorCode.BAD_FRAME, "truncated frame");
      }
      frames.add(parseBody(data, start, length));
      buf.position(start + length);
    }
    return frames;
  }

  /** Bytes of the complete varint prefix at the buffer's position (peekLength checked it). */
  private static int prefixBytes(ByteBuffer buf) {
    int n = 1;
    while (buf.get(buf.position() + n - 1) < 0) {
      n++;
    }
    return n;
  }

  private static int checkLength(int length, int maxFrameBytes) {
    if (length < 0 || length > maxFrameBytes) {
      throw new GatewayException(
          ErrorCode.FRAME_TOO_LARGE,
          "frame of " + Integer.toUnsignedString(length) + " bytes exceeds the limit of "
              + maxFrameBytes);
    }
    return length;
  }
}

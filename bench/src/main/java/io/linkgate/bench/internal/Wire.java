package io.linkgate.bench.internal;

import io.netty.buffer.ByteBuf;

/**
 * Just enough of the wire format for the load client to keep up with a server on the same two
 * cores: varint32 length prefixes, and the send stamp inside a {@code Push} payload, read in place
 * without building protobuf objects.
 */
public final class Wire {
  /** Field 5 of {@code Frame} ({@code push}), length-delimited. */
  private static final int FRAME_PUSH_TAG = (5 << 3) | 2;
  /** Field 5 of {@code Push} ({@code payload}), length-delimited. */
  private static final int PUSH_PAYLOAD_TAG = (5 << 3) | 2;

  /** Returned when a frame is not a {@code Push} carrying a stamped payload. */
  public static final long NOT_A_PUSH = Long.MIN_VALUE;

  private Wire() {}

  /**
   * Reads a varint32 at the reader index and advances past it.
   *
   * @return the value, or -1 with the reader index unchanged if the buffer ends inside it
   * @throws IllegalArgumentException for a varint longer than five bytes
   */
  public static int readVarint32(ByteBuf in) {
    int start = in.readerIndex();
    int result = 0;
    for (int i = 0; i < 5; i++) {
      if (!in.isReadable()) {
        in.readerIndex(start);
        return -1;
      }
      byte b = in.readByte();
      result |= (b & 0x7f) << (7 * i);
      if (b >= 0) {
        return result;
      }
    }
    throw new IllegalArgumentException("malformed varint32");
  }

  /**
   * The send stamp (the first eight payload bytes, big-endian) of the frame body at {@code
   * [offset, offset + length)}, without moving the reader index.
   *
   * @return the stamp, or {@link #NOT_A_PUSH} for any other frame or a payload under eight bytes
   */
  public static long pushStamp(ByteBuf buf, int offset, int length) {
    int end = offset + length;
    int[] pos = {offset};
    if (pos[0] >= end || (buf.getByte(pos[0]) & 0xff) != FRAME_PUSH_TAG) {
      return NOT_A_PUSH;
    }
    pos[0]++;
    int pushLength = getVarint(buf, pos, end);
    int pushEnd = pos[0] + pushLength;
    if (pushLength < 0 || pushEnd > end) {
      return NOT_A_PUSH;
    }
    while (pos[0] < pushEnd) {
      int tag = getVarint(buf, pos, pushEnd);
      if (tag < 0) {
        return NOT_A_PUSH;
      }
      switch (tag & 7) {
        case 0 -> getVarint64(buf, pos, pushEnd);
        case 2 -> {
          int n = getVarint(buf, pos, pushEnd);
          if (n < 0 || pos[0] + n > pushEnd) {
            return NOT_A_PUSH;
          }
          if (tag == PUSH_PAYLOAD_TAG) {
            return n < 8 ? NOT_A_PUSH : buf.getLong(pos[0]);
          }
          pos[0] += n;
        }
        case 1 -> pos[0] += 8;
        case 5 -> pos[0] += 4;
        default -> {
          return NOT_A_PUSH;
        }
      }
    }
    return NOT_A_PUSH;
  }

  private static int getVarint(ByteBuf buf, int[] pos, int end) {
    int result = 0;
    for (int i = 0; i < 5 && pos[0] < end; i++) {
      byte b = buf.getByte(pos[0]++);
      result |= (b & 0x7f) << (7 * i);
      if (b >= 0) {
        return result;
      }
    }
    return -1;
  }

  private static void getVarint64(ByteBuf buf, int[] pos, int end) {
    for (int i = 0; i < 10 && pos[0] < end; i++) {
      if (buf.getByte(pos[0]++) >= 0) {
        return;
      }
    }
  }
}

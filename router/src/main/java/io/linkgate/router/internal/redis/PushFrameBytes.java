package io.linkgate.router.internal.redis;

import com.google.protobuf.CodedOutputStream;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;

/**
 * Turns a push as Redis holds it (encoded without its seq) into the length-prefixed frame a byte
 * transport writes, by copying bytes: no protobuf object is built.
 *
 * <p>This works because {@code seq} is field 1 of {@code Push}: a canonical encoding writes fields
 * in number order, so the seq's tag and varint followed by the stored bytes is exactly what encoding
 * the push with its seq would give, and the frame is its field-5 wrapper. A node receives a notice
 * for every push another node stores for its users, so this is the cross-node hot path.
 */
final class PushFrameBytes {
  private static final int FRAME_PUSH_TAG = (Frame.PUSH_FIELD_NUMBER << 3) | 2; // length-delimited
  private static final int PUSH_SEQ_TAG = Push.SEQ_FIELD_NUMBER << 3; // varint

  private PushFrameBytes() {}

  /** The frame, prefix included, of the seq-less push in {@code data[offset, offset + length)}. */
  static byte[] frame(byte[] data, int offset, int length, long seq) {
    int pushSize = 1 + CodedOutputStream.computeUInt64SizeNoTag(seq) + length;
    int frameSize = 1 + CodedOutputStream.computeUInt32SizeNoTag(pushSize) + pushSize;
    int prefix = CodedOutputStream.computeUInt32SizeNoTag(frameSize);
    byte[] out = new byte[prefix + frameSize];
    int p = writeVarint(out, 0, frameSize);
    out[p++] = (byte) FRAME_PUSH_TAG;
    p = writeVarint(out, p, pushSize);
    out[p++] = (byte) PUSH_SEQ_TAG;
    p = writeVarint(out, p, seq);
    System.arraycopy(data, offset, out, p, length);
    return out;
  }

  private static int writeVarint(byte[] out, int p, long value) {
    while ((value & ~0x7FL) != 0) {
      out[p++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[p++] = (byte) value;
    return p;
  }
}

package io.linkgate.router.store;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A user push waiting for its seq: every other field, and their encoding, made once. A store gives
 * it a seq and takes {@link #frame(long)}, the {@code Frame{push}} bytes exactly as {@code
 * FrameCodec.encode} writes them, without a {@code Push} ever being built.
 *
 * <p>Why: a {@code Send} to a user is two pushes (the target's and the sender's copy) that differ
 * in their seq alone. Built and encoded through protobuf, each cost a builder, a message copy and
 * the map views protobuf makes for the headers even when there are none (the common case); here the
 * fields are encoded once and the second frame copies them, each frame only adding its own seq in
 * front. The seq is field 1, and protobuf writes fields in number order, so the fields after it are
 * the same bytes in every frame: the end of any frame made before. For the same reason a store that
 * keeps a push encoded without its seq turns it into a frame by copying ({@link #frameOf}).
 *
 * <p>Thread-safe: frames may be made on any thread.
 */
public final class PendingPush {
  private static final int FRAME_PUSH_TAG = (Frame.PUSH_FIELD_NUMBER << 3) | 2; // length-delimited
  private static final int SEQ_TAG = Push.SEQ_FIELD_NUMBER << 3; // varint
  private static final int HEADER_KEY = 1;
  private static final int HEADER_VALUE = 2;

  private final String msgId;
  private final String from;
  private final String to;
  private final ByteString payload;
  private final long serverTimeMs;
  private final Map<String, String> headers;
  private final byte[] msgIdUtf8;
  private final byte[] fromUtf8;
  private final byte[] toUtf8;
  /** Encoded size of every field but the seq. */
  private final int bodySize;
  /** The last frame made: its last {@code bodySize} bytes are every later frame's too. */
  private volatile byte[] made;

  private PendingPush(
      String msgId, String from, String to, ByteString payload, long serverTimeMs, Map<String, String> headers) {
    this.msgId = msgId;
    this.from = from;
    this.to = to;
    this.payload = payload;
    this.serverTimeMs = serverTimeMs;
    this.headers = headers;
    // String.getBytes is what protobuf-java falls back to for strings it cannot encode itself (an
    // unpaired surrogate), and equal to its own encoding otherwise.
    this.msgIdUtf8 = msgId.getBytes(StandardCharsets.UTF_8);
    this.fromUtf8 = from.getBytes(StandardCharsets.UTF_8);
    this.toUtf8 = to.getBytes(StandardCharsets.UTF_8);
    this.bodySize = computeBodySize();
  }

  /**
   * @param headers iterated in its own order, as {@code Push.Builder.putAllHeaders} would; must not
   *     change afterwards
   */
  public static PendingPush of(
      String msgId, String from, String to, ByteString payload, long serverTimeMs, Map<String, String> headers) {
    return new PendingPush(msgId, from, to, payload, serverTimeMs, headers);
  }

  /** The fields of {@code push} but its seq; its headers are copied, in their order. */
  public static PendingPush of(Push.Builder push) {
    Map<String, String> headers =
        push.getHeadersCount() == 0 ? Map.of() : new LinkedHashMap<>(push.getHeadersMap());
    return new PendingPush(
        push.getMsgId(), push.getFrom(), push.getTo(), push.getPayload(), push.getServerTimeMs(), headers);
  }

  /** What the push's encoding takes without its seq field. */
  public int sizeWithoutSeq() {
    return bodySize;
  }

  /** The push with {@code seq}, as a builder (for stores that keep protobuf messages). */
  public Push.Builder toBuilder(long seq) {
    Push.Builder b =
        Push.newBuilder()
            .setSeq(seq)
            .setMsgId(msgId)
            .setFrom(from)
            .setTo(to)
            .setPayload(payload)
            .setServerTimeMs(serverTimeMs);
    if (!headers.isEmpty()) {
      b.putAllHeaders(headers);
    }
    return b;
  }

  /** The push with {@code seq}. */
  public Push toPush(long seq) {
    return toBuilder(seq).build();
  }

  /**
   * {@code Frame{push}} with {@code seq}, length prefix included: byte for byte what {@code
   * FrameCodec.encode} gives for {@code Frame.newBuilder().setPush(toPush(seq)).build()}.
   */
  public byte[] frame(long seq) {
    byte[] before = made;
    if (before != null) {
      return frameOf(before, before.length - bodySize, bodySize, seq);
    }
    byte[] out = frameAround(seq, bodySize);
    writeBody(out, out.length - bodySize);
    made = out; // a benign race, as two threads write the same bytes
    return out;
  }

  /**
   * {@code Frame{push}}, length prefix included, of the push with {@code seq} whose other fields are
   * encoded in {@code fields[offset, offset + length)} (as a push without its seq encodes): what a
   * store that kept those bytes needs to hand a push to the transports without building it.
   */
  public static byte[] frameOf(byte[] fields, int offset, int length, long seq) {
    byte[] out = frameAround(seq, length);
    System.arraycopy(fields, offset, out, out.length - length, length);
    return out;
  }

  /** The frame with all written but the push's fields after its seq, which go in its last {@code fieldsSize} bytes. */
  private static byte[] frameAround(long seq, int fieldsSize) {
    int pushSize = fieldsSize + (seq == 0 ? 0 : 1 + CodedOutputStream.computeUInt64SizeNoTag(seq));
    int frameSize = 1 + CodedOutputStream.computeUInt32SizeNoTag(pushSize) + pushSize;
    byte[] out = new byte[CodedOutputStream.computeUInt32SizeNoTag(frameSize) + frameSize];
    int pos = writeVarint(out, 0, frameSize);
    out[pos++] = (byte) FRAME_PUSH_TAG;
    pos = writeVarint(out, pos, pushSize);
    if (seq != 0) {
      out[pos++] = (byte) SEQ_TAG;
      writeVarint(out, pos, seq);
    }
    return out;
  }

  /** Fields 2 to 7 in field order, each left out at its default, as protobuf-java writes them. */
  private void writeBody(byte[] out, int offset) {
    CodedOutputStream cos = CodedOutputStream.newInstance(out, offset, bodySize);
    try {
      if (msgIdUtf8.length > 0) {
        cos.writeByteArray(Push.MSG_ID_FIELD_NUMBER, msgIdUtf8);
      }
      if (fromUtf8.length > 0) {
        cos.writeByteArray(Push.FROM_FIELD_NUMBER, fromUtf8);
      }
      if (toUtf8.length > 0) {
        cos.writeByteArray(Push.TO_FIELD_NUMBER, toUtf8);
      }
      if (!payload.isEmpty()) {
        cos.writeBytes(Push.PAYLOAD_FIELD_NUMBER, payload);
      }
      if (serverTimeMs != 0) {
        cos.writeInt64(Push.SERVER_TIME_MS_FIELD_NUMBER, serverTimeMs);
      }
      if (!headers.isEmpty()) {
        for (Map.Entry<String, String> h : headers.entrySet()) {
          cos.writeTag(Push.HEADERS_FIELD_NUMBER, 2);
          cos.writeUInt32NoTag(headerEntrySize(h));
          // A map entry is a message of key and value; protobuf-java writes both, empty or not.
          cos.writeString(HEADER_KEY, h.getKey());
          cos.writeString(HEADER_VALUE, h.getValue());
        }
      }
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: the room is sized exactly
    }
  }

  private int computeBodySize() {
    int n = 0;
    if (msgIdUtf8.length > 0) {
      n += CodedOutputStream.computeByteArraySize(Push.MSG_ID_FIELD_NUMBER, msgIdUtf8);
    }
    if (fromUtf8.length > 0) {
      n += CodedOutputStream.computeByteArraySize(Push.FROM_FIELD_NUMBER, fromUtf8);
    }
    if (toUtf8.length > 0) {
      n += CodedOutputStream.computeByteArraySize(Push.TO_FIELD_NUMBER, toUtf8);
    }
    if (!payload.isEmpty()) {
      n += CodedOutputStream.computeBytesSize(Push.PAYLOAD_FIELD_NUMBER, payload);
    }
    if (serverTimeMs != 0) {
      n += CodedOutputStream.computeInt64Size(Push.SERVER_TIME_MS_FIELD_NUMBER, serverTimeMs);
    }
    if (!headers.isEmpty()) {
      for (Map.Entry<String, String> h : headers.entrySet()) {
        int entry = headerEntrySize(h);
        n += CodedOutputStream.computeTagSize(Push.HEADERS_FIELD_NUMBER)
            + CodedOutputStream.computeUInt32SizeNoTag(entry)
            + entry;
      }
    }
    return n;
  }

  private static int headerEntrySize(Map.Entry<String, String> h) {
    return CodedOutputStream.computeStringSize(HEADER_KEY, h.getKey())
        + CodedOutputStream.computeStringSize(HEADER_VALUE, h.getValue());
  }

  private static int writeVarint(byte[] out, int pos, long value) {
    while ((value & ~0x7FL) != 0) {
      out[pos++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[pos++] = (byte) value;
    return pos;
  }
}

package io.linkgate.api;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;

/**
 * A frame together with its length-prefixed bytes, encoded at most once however many connections
 * it is written to: a room message fanned out to ten thousand members is serialized once.
 * Transports write {@link #bytes()} (gRPC sends the body after the length prefix); {@link #frame()}
 * is for those that need to look inside. The bytes must not be modified.
 *
 * <p>Either side may come first: a frame the router built is encoded on first use of the bytes, and
 * bytes the router assembled without protobuf (a push relayed by another node) are parsed on first
 * use of the frame, which a byte transport never asks for.
 */
public final class EncodedFrame {
  /** Set for {@link #ofPush}: the frame is built around it only if someone asks. */
  private final Push push;
  private volatile Frame frame;
  private final long acceptedNanos;
  private volatile byte[] bytes;

  private EncodedFrame(Frame frame, byte[] bytes, long acceptedNanos) {
    this(null, frame, bytes, acceptedNanos);
  }

  private EncodedFrame(Push push, Frame frame, byte[] bytes, long acceptedNanos) {
    this.push = push;
    this.frame = frame;
    this.bytes = bytes;
    this.acceptedNanos = acceptedNanos;
  }

  /** Wraps a frame; its bytes are computed on first use. */
  public static EncodedFrame of(Frame frame) {
    return new EncodedFrame(frame, null, 0);
  }

  /**
   * Wraps a push the router accepted at {@code acceptedNanos} ({@link System#nanoTime()}), so the
   * transport that writes it can report the latency; its bytes are computed on first use.
   */
  public static EncodedFrame of(Frame frame, long acceptedNanos) {
    return new EncodedFrame(frame, null, acceptedNanos);
  }

  /** Wraps a frame and encodes it now (for frames about to be shared across threads). */
  public static EncodedFrame encoded(Frame frame) {
    return new EncodedFrame(frame, FrameCodec.encode(frame), 0);
  }

  /** Like {@link #encoded(Frame)}, for a push the router accepted at {@code acceptedNanos}. */
  public static EncodedFrame encoded(Frame frame, long acceptedNanos) {
    return new EncodedFrame(frame, FrameCodec.encode(frame), acceptedNanos);
  }

  /**
   * {@code Frame{push}}, encoded now straight from the push ({@link FrameCodec#encodePush}); the
   * {@code Frame} object is built only if someone asks for it, which byte transports do not.
   */
  public static EncodedFrame ofPush(Push push, long acceptedNanos) {
    return new EncodedFrame(push, null, FrameCodec.encodePush(push), acceptedNanos);
  }

  /**
   * Wraps the length-prefixed bytes of one frame, as {@link FrameCodec#encode} would write them, for
   * a push the router accepted at {@code acceptedNanos}. The frame is parsed from them only if
   * someone asks for it. The caller vouches that they hold one well-formed frame.
   */
  public static EncodedFrame ofBytes(byte[] bytes, long acceptedNanos) {
    return new EncodedFrame(null, bytes, acceptedNanos);
  }

  /**
   * The same frame and bytes (encoded now if nobody did yet), stamped as a push the router accepted
   * at {@code acceptedNanos}: a frame encoded before its accept time was known is not encoded twice.
   */
  public EncodedFrame acceptedAt(long acceptedNanos) {
    if (acceptedNanos == this.acceptedNanos && bytes != null) {
      return this;
    }
    return new EncodedFrame(push, frame, bytes(), acceptedNanos);
  }

  public Frame frame() {
    Frame f = frame;
    if (f == null) {
      // A benign race, as in bytes(): both give equal frames.
      if (push != null) {
        f = Frame.newBuilder().setPush(push).build();
      } else {
        byte[] b = bytes;
        int header = FrameCodec.headerLength(b);
        f = FrameCodec.parseBody(b, header, b.length - header);
      }
      frame = f;
    }
    return f;
  }

  /**
   * When the router accepted this push ({@link System#nanoTime()} of this JVM), or 0 when unknown
   * (frames other than pushes, replays from the inbox).
   */
  public long acceptedNanos() {
    return acceptedNanos;
  }

  /** The length prefix followed by the frame body. Shared: never modify. */
  public byte[] bytes() {
    byte[] b = bytes;
    if (b == null) {
      // A benign race: two threads may both encode; both results are identical.
      b = FrameCodec.encode(frame);
      bytes = b;
    }
    return b;
  }

  /** Encoded size, prefix included. */
  public int size() {
    return bytes().length;
  }

  @Override
  public String toString() {
    return "EncodedFrame{" + frame().getKindCase() + "}";
  }
}

package io.linkgate.api;

import io.linkgate.api.proto.Frame;

/**
 * A frame together with its length-prefixed bytes, encoded at most once however many connections
 * it is written to: a room message fanned out to ten thousand members is serialized once. Byte
 * transports write {@link #bytes()}, message transports (gRPC) send {@link #frame()}. The bytes
 * must not be modified.
 */
public final class EncodedFrame {
  private final Frame frame;
  private volatile byte[] bytes;

  private EncodedFrame(Frame frame, byte[] bytes) {
    this.frame = frame;
    this.bytes = bytes;
  }

  /** Wraps a frame; its bytes are computed on first use. */
  public static EncodedFrame of(Frame frame) {
    return new EncodedFrame(frame, null);
  }

  /** Wraps a frame and encodes it now (for frames about to be shared across threads). */
  public static EncodedFrame encoded(Frame frame) {
    return new EncodedFrame(frame, FrameCodec.encode(frame));
  }

  public Frame frame() {
    return frame;
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
    return "EncodedFrame{" + frame.getKindCase() + "}";
  }
}

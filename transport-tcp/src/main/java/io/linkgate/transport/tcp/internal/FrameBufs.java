package io.linkgate.transport.tcp.internal;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Frames as buffers to write. Wrapping shares the encoded bytes; nothing is copied here. */
final class FrameBufs {
  private FrameBufs() {}

  static ByteBuf of(EncodedFrame frame) {
    return Unpooled.wrappedBuffer(frame.bytes());
  }

  static ByteBuf of(Frame frame) {
    return Unpooled.wrappedBuffer(FrameCodec.encode(frame));
  }
}

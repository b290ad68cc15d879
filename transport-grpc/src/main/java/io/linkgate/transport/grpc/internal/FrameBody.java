package io.linkgate.transport.grpc.internal;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.linkgate.api.EncodedFrame;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Frame;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * An encoded frame's body as a gRPC message, straight from its shared bytes: a frame fanned out to
 * many downlinks is serialized once (by {@link EncodedFrame}) and only copied into each stream. The
 * bytes are the length-prefixed form; gRPC frames messages itself, so the prefix is skipped.
 */
final class FrameBody extends InputStream implements KnownLength, Drainable {
  static final MethodDescriptor.Marshaller<EncodedFrame> MARSHALLER =
      new MethodDescriptor.Marshaller<>() {
        private final MethodDescriptor.Marshaller<Frame> frames =
            ProtoUtils.marshaller(Frame.getDefaultInstance());

        @Override
        public InputStream stream(EncodedFrame value) {
          return new FrameBody(value);
        }

        @Override
        public EncodedFrame parse(InputStream stream) {
          return EncodedFrame.of(frames.parse(stream));
        }
      };

  private final byte[] bytes;
  private int position;

  private FrameBody(EncodedFrame frame) {
    this.bytes = frame.bytes();
    // gRPC carries the body only: skip the prefix (without parsing a frame that came as bytes)
    this.position = FrameCodec.headerLength(bytes);
  }

  @Override
  public int read() {
    return position < bytes.length ? bytes[position++] & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (position >= bytes.length) {
      return -1;
    }
    int n = Math.min(len, bytes.length - position);
    System.arraycopy(bytes, position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public int available() {
    return bytes.length - position;
  }

  @Override
  public int drainTo(OutputStream target) throws java.io.IOException {
    int n = bytes.length - position;
    target.write(bytes, position, n);
    position = bytes.length;
    return n;
  }
}

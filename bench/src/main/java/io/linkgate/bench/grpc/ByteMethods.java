package io.linkgate.bench.grpc;

import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.linkgate.transport.grpc.proto.GatewayGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The load client's view of {@code linkgate.v1.Gateway}: the generated stubs' method names with
 * messages as plain bytes, so that the client parses only what it must (the Welcome, a push's send
 * stamp, an answer's kind) and costs the same whichever server it talks to.
 */
final class ByteMethods {
  private ByteMethods() {}

  static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new Body(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  static final MethodDescriptor<byte[], byte[]> DOWNLINK =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName(GatewayGrpc.getDownlinkMethod().getFullMethodName())
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  static final MethodDescriptor<byte[], byte[]> UPLINK =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(GatewayGrpc.getUplinkMethod().getFullMethodName())
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  /** Known length lets gRPC frame the message without buffering it first. */
  private static final class Body extends ByteArrayInputStream implements KnownLength {
    Body(byte[] bytes) {
      super(bytes);
    }
  }
}

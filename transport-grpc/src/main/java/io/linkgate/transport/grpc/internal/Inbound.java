package io.linkgate.transport.grpc.internal;

import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import java.io.InputStream;

/**
 * A message a client sent: a frame, or the reason its bytes are not one. The server parses with
 * {@link #MARSHALLER}, which never throws: gRPC treats a throwing parser as a server failure (and
 * logs it as one), while undecodable bytes are the client's mistake and get {@code BAD_FRAME}.
 *
 * @param frame the frame, or null
 * @param failure why the bytes are no frame, or null
 */
record Inbound(Frame frame, GatewayException failure) {
  private static final MethodDescriptor.Marshaller<Frame> FRAMES =
      ProtoUtils.marshaller(Frame.getDefaultInstance());

  static final MethodDescriptor.Marshaller<Inbound> MARSHALLER =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(Inbound value) {
          return FRAMES.stream(value.frame());
        }

        @Override
        public Inbound parse(InputStream stream) {
          try {
            return new Inbound(FRAMES.parse(stream), null);
          } catch (StatusRuntimeException e) {
            return new Inbound(
                null, new GatewayException(ErrorCode.BAD_FRAME, "undecodable frame"));
          }
        }
      };
}

package io.linkgate.transport.grpc.internal;

import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.linkgate.api.EncodedFrame;
import io.linkgate.api.proto.Frame;
import io.linkgate.transport.grpc.proto.GatewayGrpc;

/**
 * The server's view of the {@code linkgate.v1.Gateway} methods: the same names and wire format as
 * the generated {@link GatewayGrpc} stubs (which the client side uses), with marshallers that
 * tolerate undecodable requests ({@link Inbound}) and write shared encoded frames ({@link
 * FrameBody}).
 */
final class Methods {
  private Methods() {}

  static final MethodDescriptor<Inbound, EncodedFrame> DOWNLINK =
      MethodDescriptor.<Inbound, EncodedFrame>newBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName(GatewayGrpc.getDownlinkMethod().getFullMethodName())
          .setRequestMarshaller(Inbound.MARSHALLER)
          .setResponseMarshaller(FrameBody.MARSHALLER)
          .build();

  static final MethodDescriptor<Inbound, Frame> UPLINK =
      MethodDescriptor.<Inbound, Frame>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(GatewayGrpc.getUplinkMethod().getFullMethodName())
          .setRequestMarshaller(Inbound.MARSHALLER)
          .setResponseMarshaller(ProtoUtils.marshaller(Frame.getDefaultInstance()))
          .build();
}

package io.linkgate.bench.grpc;

import com.google.protobuf.ByteString;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Send;

/** The uplink frames of the load client: a {@code Send} out, the answer's kind read in place. */
final class UplinkFrames {
  /** Field 4 of {@code Frame} ({@code send_ack}), length-delimited. */
  private static final int SEND_ACK_TAG = (4 << 3) | 2;

  private UplinkFrames() {}

  /** The body of a {@code Frame} carrying one {@code Send}. */
  static byte[] send(String clientMsgId, String to, ByteString payload) {
    return Frame.newBuilder()
        .setSend(Send.newBuilder().setClientMsgId(clientMsgId).setTo(to).setPayload(payload))
        .build()
        .toByteArray();
  }

  /**
   * Whether a frame body (without length prefix) is a {@code SendAck}: its first tag is field 4.
   * A {@code Frame} has one field set, so the first tag says what it is.
   */
  static boolean isSendAck(byte[] body, int offset, int length) {
    return length > 0 && (body[offset] & 0xff) == SEND_ACK_TAG;
  }
}

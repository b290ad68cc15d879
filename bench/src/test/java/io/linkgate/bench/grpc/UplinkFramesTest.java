package io.linkgate.bench.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.SendAck;
import org.junit.jupiter.api.Test;

class UplinkFramesTest {
  @Test
  void aSendAckIsRecognisedByItsFirstTagAndOtherAnswersAreNot() {
    byte[] ack =
        Frame.newBuilder()
            .setSendAck(SendAck.newBuilder().setClientMsgId("c1").setMsgId("m1").setServerTimeMs(5))
            .build()
            .toByteArray();
    byte[] error = Frames.error(ErrorCode.INVALID_ARGUMENT, "no").toByteArray();
    byte[] empty = Frame.getDefaultInstance().toByteArray();

    assertThat(UplinkFrames.isSendAck(ack, 0, ack.length)).isTrue();
    assertThat(UplinkFrames.isSendAck(error, 0, error.length)).isFalse();
    assertThat(UplinkFrames.isSendAck(empty, 0, empty.length)).isFalse();
  }

  @Test
  void theSendFrameCarriesTheIdRecipientAndPayload() throws Exception {
    byte[] body = UplinkFrames.send("u1-7", "user:u2", ByteString.copyFromUtf8("hi"));

    Frame f = Frame.parseFrom(body);
    assertThat(f.getSend().getClientMsgId()).isEqualTo("u1-7");
    assertThat(f.getSend().getTo()).isEqualTo("user:u2");
    assertThat(f.getSend().getPayload().toStringUtf8()).isEqualTo("hi");
  }
}

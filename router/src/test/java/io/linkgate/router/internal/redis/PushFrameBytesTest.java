package io.linkgate.router.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import java.util.List;
import org.junit.jupiter.api.Test;

class PushFrameBytesTest {

  private static Push push(int payloadBytes, boolean headers) {
    Push.Builder b =
        Push.newBuilder()
            .setMsgId("m-42")
            .setFrom("alice")
            .setTo("bob")
            .setPayload(ByteString.copyFrom(new byte[payloadBytes]))
            .setServerTimeMs(1_796_000_000_000L);
    if (headers) {
      b.putHeaders("trace", "00-abc-01").putHeaders("kind", "text");
    }
    return b.build();
  }

  @Test
  void givesTheSameBytesAsEncodingThePushWithItsSeq() {
    // Sizes around the varint boundaries of the push and frame lengths, seqs around theirs.
    for (int payload : List.of(0, 1, 100, 120, 127, 128, 16_370, 16_384, 60_000)) {
      for (boolean headers : List.of(false, true)) {
        Push stored = push(payload, headers);
        byte[] seqless = stored.toByteArray();
        for (long seq : List.of(1L, 127L, 128L, 16_384L, 1L << 35, Long.MAX_VALUE)) {
          byte[] expected = FrameCodec.encode(Frame.newBuilder().setPush(stored.toBuilder().setSeq(seq)).build());
          assertThat(PushFrameBytes.frame(seqless, 0, seqless.length, seq))
              .as("payload %d, headers %s, seq %d", payload, headers, seq)
              .isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void readsThePushFromTheMiddleOfANotice() {
    Push stored = push(64, true);
    byte[] seqless = stored.toByteArray();
    byte[] notice = new byte[seqless.length + 20];
    System.arraycopy(seqless, 0, notice, 7, seqless.length);

    byte[] frame = PushFrameBytes.frame(notice, 7, seqless.length, 9);

    int header = FrameCodec.headerLength(frame);
    Push parsed = FrameCodec.parseBody(frame, header, frame.length - header).getPush();
    assertThat(parsed).isEqualTo(stored.toBuilder().setSeq(9).build());
  }
}

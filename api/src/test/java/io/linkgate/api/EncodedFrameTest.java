package io.linkgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import org.junit.jupiter.api.Test;

class EncodedFrameTest {

  private static final Frame PUSH =
      Frame.newBuilder()
          .setPush(Push.newBuilder().setSeq(300).setMsgId("m").setPayload(ByteString.copyFrom(new byte[200])))
          .build();

  @Test
  void aFrameGivenAsBytesIsParsedWhenAsked() {
    byte[] bytes = FrameCodec.encode(PUSH);

    EncodedFrame f = EncodedFrame.ofBytes(bytes, 77);

    assertThat(f.bytes()).isSameAs(bytes);
    assertThat(f.size()).isEqualTo(bytes.length);
    assertThat(f.acceptedNanos()).isEqualTo(77);
    assertThat(f.frame()).isEqualTo(PUSH);
    assertThat(f.frame()).isSameAs(f.frame());
  }

  @Test
  void restampingKeepsTheBytesAndOnlyCopiesWhenTheTimeDiffers() {
    EncodedFrame f = EncodedFrame.ofBytes(FrameCodec.encode(PUSH), 5);

    assertThat(f.acceptedAt(5)).isSameAs(f);
    EncodedFrame later = f.acceptedAt(9);
    assertThat(later.acceptedNanos()).isEqualTo(9);
    assertThat(later.bytes()).isSameAs(f.bytes());
    assertThat(later.frame()).isEqualTo(PUSH);
  }

  @Test
  void aPushIsEncodedWithoutAFrameAndGivesTheSameBytes() {
    for (int payload : new int[] {0, 100, 127, 128, 16_383, 16_384, 60_000}) {
      Push push =
          Push.newBuilder()
              .setSeq(1L << 40)
              .setMsgId("m-" + payload)
              .setFrom("alice")
              .setPayload(ByteString.copyFrom(new byte[payload]))
              .putHeaders("k", "v")
              .build();
      Frame frame = Frame.newBuilder().setPush(push).build();

      EncodedFrame f = EncodedFrame.ofPush(push, 3);

      assertThat(f.bytes()).as("payload %d", payload).isEqualTo(FrameCodec.encode(frame));
      assertThat(f.frame()).isEqualTo(frame);
      assertThat(f.acceptedAt(4).frame()).isEqualTo(frame);
      assertThat(f.acceptedNanos()).isEqualTo(3);
    }
  }

  @Test
  void theLengthPrefixIsMeasuredFromTheBytes() {
    assertThat(FrameCodec.headerLength(new byte[] {5, 0})).isEqualTo(1);
    assertThat(FrameCodec.headerLength(new byte[] {(byte) 0x80, 1})).isEqualTo(2);
    byte[] big = FrameCodec.encode(PUSH);
    assertThat(FrameCodec.headerLength(big)).isEqualTo(big.length - PUSH.getSerializedSize());
  }
}

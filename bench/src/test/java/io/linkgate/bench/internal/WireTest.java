package io.linkgate.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class WireTest {
  @Test
  void readsTheSendStampOfAPushWhateverFieldsComeFirst() {
    Push push =
        Push.newBuilder()
            .setSeq(300)
            .setMsgId("m-1")
            .setFrom("alice")
            .setTo("user:u0000001")
            .setPayload(ByteString.copyFrom(Payloads.stamped(123_456_789_012L, 64)))
            .setServerTimeMs(1_700_000_000_000L)
            .putHeaders("k", "v")
            .build();
    ByteBuf buf = Unpooled.wrappedBuffer(FrameCodec.encode(Frame.newBuilder().setPush(push).build()));

    int length = Wire.readVarint32(buf);

    assertThat(length).isEqualTo(buf.readableBytes());
    assertThat(Wire.pushStamp(buf, buf.readerIndex(), length)).isEqualTo(123_456_789_012L);
  }

  @Test
  void anythingButAStampedPushIsNotAPush() {
    ByteBuf pong = Unpooled.wrappedBuffer(FrameCodec.encode(Frames.pong(7)));
    int pongLength = Wire.readVarint32(pong);
    Frame shortPayload =
        Frame.newBuilder()
            .setPush(Push.newBuilder().setSeq(1).setPayload(ByteString.copyFromUtf8("abc")))
            .build();
    ByteBuf shortPush = Unpooled.wrappedBuffer(FrameCodec.encode(shortPayload));
    int shortLength = Wire.readVarint32(shortPush);

    assertThat(Wire.pushStamp(pong, pong.readerIndex(), pongLength)).isEqualTo(Wire.NOT_A_PUSH);
    assertThat(Wire.pushStamp(shortPush, shortPush.readerIndex(), shortLength)).isEqualTo(Wire.NOT_A_PUSH);
  }

  @Test
  void aLengthPrefixSplitAcrossReadsIsLeftUnconsumed() {
    ByteBuf partial = Unpooled.wrappedBuffer(new byte[] {(byte) 0x80});

    assertThat(Wire.readVarint32(partial)).isEqualTo(-1);
    assertThat(partial.readerIndex()).isZero();
  }
}

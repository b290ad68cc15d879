package io.linkgate.transport.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
  private static final int MAX = 1024;
  private final EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX));

  private static Frame push(long seq, int payloadBytes) {
    return Frame.newBuilder()
        .setPush(
            Push.newBuilder().setSeq(seq).setPayload(ByteString.copyFrom(new byte[payloadBytes])))
        .build();
  }

  private void feed(byte[] bytes) {
    ch.writeInbound(Unpooled.wrappedBuffer(bytes));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Test
  void framesSplitAnywhereIncludingInsideTheLengthDecodeWhole() {
    Frame big = push(1, 500); // a two-byte length prefix
    Frame small = push(2, 3);
    byte[] bytes = concat(FrameCodec.encode(big), FrameCodec.encode(small));
    for (byte b : bytes) {
      feed(new byte[] {b});
    }
    assertThat((Object) ch.readInbound()).isEqualTo(big);
    assertThat((Object) ch.readInbound()).isEqualTo(small);
    assertThat((Object) ch.readInbound()).isNull();
  }

  @Test
  void severalFramesInOneReadAllDecodeInOrder() {
    feed(
        concat(
            FrameCodec.encode(push(1, 10)),
            FrameCodec.encode(push(2, 10)),
            FrameCodec.encode(push(3, 10))));
    for (long seq = 1; seq <= 3; seq++) {
      assertThat(((Frame) ch.readInbound()).getPush().getSeq()).isEqualTo(seq);
    }
  }

  @Test
  void emptyFrameIsAZeroLengthAndDecodesAsTheDefaultInstance() {
    feed(new byte[] {0});
    assertThat((Object) ch.readInbound()).isEqualTo(Frame.getDefaultInstance());
  }

  @Test
  void oversizedFrameIsReportedFromTheHeaderAlone() {
    byte[] header = new byte[] {(byte) 0x81, 0x08}; // 1025: one over the limit, no body sent
    feed(header);
    GatewayException error = ch.readInbound();
    assertThat(error.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    assertThat(error.getMessage()).contains("1025").contains("1024");
  }

  @Test
  void hugeLengthIsReportedWithoutAllocatingIt() {
    feed(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07}); // 2^31 - 1
    GatewayException error = ch.readInbound();
    assertThat(error.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
  }

  @Test
  void bodyOfAnOversizedFrameIsSkippedAndTheNextFrameStillDecodes() {
    Frame tooBig = push(1, 2000);
    Frame next = push(2, 5);
    byte[] bytes = concat(FrameCodec.encode(tooBig), FrameCodec.encode(next));
    // In chunks, so that the skipping spans several reads.
    for (int i = 0; i < bytes.length; i += 300) {
      feed(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 300)));
    }
    assertThat(((GatewayException) ch.readInbound()).code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    assertThat((Object) ch.readInbound()).isEqualTo(next);
    assertThat((Object) ch.readInbound()).isNull();
  }

  @Test
  void undecodableBodyIsABadFrameAndTheNextFrameStillDecodes() {
    byte[] garbage = {3, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    Frame next = push(7, 1);
    feed(concat(garbage, FrameCodec.encode(next)));
    GatewayException error = ch.readInbound();
    assertThat(error.code()).isEqualTo(ErrorCode.BAD_FRAME);
    assertThat((Object) ch.readInbound()).isEqualTo(next);
  }

  @Test
  void malformedLengthIsABadFrameAndNothingAfterItIsFramed() {
    byte[] sixByteVarint = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
    feed(concat(sixByteVarint, FrameCodec.encode(push(1, 1))));
    assertThat(((GatewayException) ch.readInbound()).code()).isEqualTo(ErrorCode.BAD_FRAME);
    feed(FrameCodec.encode(push(2, 1)));
    assertThat((Object) ch.readInbound()).isNull();
  }

  @Test
  void partialFrameIsKeptUntilTheRestArrives() {
    byte[] bytes = FrameCodec.encode(push(9, 100));
    feed(java.util.Arrays.copyOf(bytes, 50));
    assertThat((Object) ch.readInbound()).isNull();
    feed(java.util.Arrays.copyOfRange(bytes, 50, bytes.length));
    assertThat(((Frame) ch.readInbound()).getPush().getSeq()).isEqualTo(9);
  }
}

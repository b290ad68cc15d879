package io.linkgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Send;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

  private static Frame send(String id, int payloadBytes) {
    return Frame.newBuilder()
        .setSend(
            Send.newBuilder()
                .setClientMsgId(id)
                .setTo("user:bob")
                .setPayload(ByteString.copyFrom(new byte[payloadBytes])))
        .build();
  }

  @Test
  void encodingMatchesProtobufWriteDelimitedTo() throws IOException {
    Frame frame = send("m1", 300);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    frame.writeDelimitedTo(expected);

    assertThat(FrameCodec.encode(frame)).isEqualTo(expected.toByteArray());
  }

  @Test
  void decodeAllReturnsEveryFrameInOrder() {
    List<Frame> frames = List.of(send("a", 1), send("b", 200), Frame.getDefaultInstance(), send("c", 0));

    assertThat(FrameCodec.decodeAll(FrameCodec.encodeAll(frames), 1024, 10)).isEqualTo(frames);
  }

  @Test
  void emptyFrameIsAZeroLengthPrefix() {
    assertThat(FrameCodec.encode(Frame.getDefaultInstance())).containsExactly(0);
  }

  @Test
  void oversizedLengthIsRejectedFromTheHeaderAlone() {
    // Only the 3-byte prefix of a 100,000-byte frame: the body is never needed to refuse it.
    byte[] header = new byte[] {(byte) 0xA0, (byte) 0x8D, 0x06};

    assertThatThrownBy(() -> FrameCodec.peekLength(ByteBuffer.wrap(header), 65536))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
  }

  @Test
  void incompleteHeaderAsksForMoreBytes() {
    assertThat(FrameCodec.peekLength(ByteBuffer.wrap(new byte[] {(byte) 0x80}), 65536)).isEqualTo(-1);
    assertThat(FrameCodec.peekLength(ByteBuffer.wrap(new byte[0]), 65536)).isEqualTo(-1);
  }

  @Test
  void malformedVarintIsABadFrame() {
    byte[] sixContinuationBytes = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1};

    assertThatThrownBy(() -> FrameCodec.peekLength(ByteBuffer.wrap(sixContinuationBytes), 65536))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_FRAME));
  }

  @Test
  void garbageBodyIsABadFrame() {
    byte[] garbage = {4, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};

    assertThatThrownBy(() -> FrameCodec.decodeAll(garbage, 1024, 10))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_FRAME));
  }

  @Test
  void truncatedBodyIsABadFrame() {
    byte[] whole = FrameCodec.encode(send("x", 50));
    byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 1);

    assertThatThrownBy(() -> FrameCodec.decodeAll(truncated, 1024, 10))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_FRAME));
  }

  @Test
  void tooManyFramesInOneBodyIsRefused() {
    byte[] body = FrameCodec.encodeAll(List.of(send("a", 1), send("b", 1), send("c", 1)));

    assertThatThrownBy(() -> FrameCodec.decodeAll(body, 1024, 2))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
  }

  @Test
  void unknownFieldsAreIgnoredAndUnknownKindsAreRecognised() {
    // Field 99 (varint) is not in Frame: a newer peer's frame kind.
    byte[] newerKind = {3, (byte) 0x98, 0x06, 1};

    Frame frame = FrameCodec.decodeAll(newerKind, 1024, 1).get(0);

    assertThat(Frames.isUnknownKind(frame)).isTrue();
  }

  @Test
  void encodedFrameEncodesOnceAndSharesTheBytes() {
    Frame push = Frame.newBuilder().setPush(Push.newBuilder().setSeq(7).setMsgId("m")).build();
    EncodedFrame encoded = EncodedFrame.of(push);

    assertThat(encoded.bytes()).isSameAs(encoded.bytes());
    assertThat(encoded.bytes()).isEqualTo(FrameCodec.encode(push));
    assertThat(encoded.size()).isEqualTo(FrameCodec.encode(push).length);
  }

  @Test
  void aPaddedLengthPrefixCountsAllItsBytesSoTheFramesAfterItStayAligned() {
    // 0x80 0x00 is zero written in two bytes (valid varint, not minimal), then one more empty frame.
    // Found by FrameDecodingFuzzTest: decodeAll read the second prefix byte as the next frame.
    byte[] body = {(byte) 0x80, 0x00, 0x00};
    assertThat(FrameCodec.decodeAll(body, 1024, 10)).hasSize(2);
    byte[] ping = FrameCodec.encode(Frame.newBuilder().setPing(io.linkgate.api.proto.Ping.newBuilder().setNonce(7)).build());
    byte[] padded = new byte[ping.length + 1];
    padded[0] = (byte) (ping[0] | 0x80);
    padded[1] = 0x00;
    System.arraycopy(ping, 1, padded, 2, ping.length - 1);
    assertThat(FrameCodec.decodeAll(padded, 1024, 10)).extracting(f -> f.getPing().getNonce()).containsExactly(7L);
  }
}

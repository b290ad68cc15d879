package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.transport.tunnel.internal.FrameSplitter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bodies split into frames whatever pieces they arrive in, within the frame limit. */
class FrameSplitterTest {
  private static List<Frame> split(FrameSplitter splitter, byte[] body, int pieceSize) {
    List<Frame> out = new ArrayList<>();
    for (int i = 0; i < body.length; i += pieceSize) {
      splitter.feed(ByteBuffer.wrap(body, i, Math.min(pieceSize, body.length - i)), out::add);
    }
    return out;
  }

  @Test
  void framesComeOutWhole() {
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      frames.add(Frames.error(ErrorCode.INTERNAL, "x".repeat(i * 7)));
      frames.add(Frame.getDefaultInstance()); // zero length: the empty acknowledgement
      frames.add(Frames.ping(i));
    }
    byte[] body = FrameCodec.encodeAll(frames);
    for (int piece : new int[] {1, 2, 3, 7, 64, 1000, body.length}) {
      FrameSplitter splitter = new FrameSplitter(65536);
      assertThat(split(splitter, body, piece)).as("in pieces of %d bytes", piece).isEqualTo(frames);
      assertThat(splitter.isBetweenFrames()).isTrue();
    }
  }

  @Test
  void anOversizedLengthIsRefusedFromItsPrefixAlone() {
    FrameSplitter splitter = new FrameSplitter(1024);
    List<Frame> out = new ArrayList<>();
    byte[] before = FrameCodec.encode(Frames.ping(1));
    splitter.feed(ByteBuffer.wrap(before), out::add);
    // 1 MiB declared; only the three prefix bytes are given.
    assertThatThrownBy(
            () ->
                splitter.feed(
                    ByteBuffer.wrap(new byte[] {(byte) 0x80, (byte) 0x80, 0x40}), out::add))
        .isInstanceOf(GatewayException.class)
        .satisfies(
            e -> assertThat(((GatewayException) e).code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
    assertThat(out).as("the frame before it").hasSize(1);
  }

  @Test
  void aMalformedLengthOrBodyIsBadFrame() {
    assertThatThrownBy(
            () ->
                new FrameSplitter(1024)
                    .feed(
                        ByteBuffer.wrap(
                            new byte[] {
                              (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF
                            }),
                        f -> {}))
        .satisfies(e -> assertThat(((GatewayException) e).code()).isEqualTo(ErrorCode.BAD_FRAME));
    assertThatThrownBy(
            () ->
                new FrameSplitter(1024)
                    .feed(ByteBuffer.wrap(new byte[] {0x03, 0x0A, 0x7F, 0x00}), f -> {}))
        .satisfies(e -> assertThat(((GatewayException) e).code()).isEqualTo(ErrorCode.BAD_FRAME));
  }

  @Test
  void aFrameArrivingInPiecesHoldsAboutWhatArrivedNotWhatItDeclares() {
    FrameSplitter splitter = new FrameSplitter(65536);
    Frame big = Frames.error(ErrorCode.INTERNAL, "x".repeat(60_000));
    byte[] body = FrameCodec.encode(big);
    List<Frame> out = new ArrayList<>();
    splitter.feed(ByteBuffer.wrap(body, 0, 103), out::add); // the prefix and 100 bytes
    assertThat(splitter.partialFrameBytes())
        .as("held for a 60 KB frame of which 100 bytes came")
        .isLessThanOrEqualTo(1024);
    for (int at = 103; at < body.length; at += 5_000) {
      int received = at - FrameCodec.headerSize(big.getSerializedSize());
      assertThat(splitter.partialFrameBytes()).isLessThanOrEqualTo(Math.max(1024, 2 * received));
      splitter.feed(ByteBuffer.wrap(body, at, Math.min(5_000, body.length - at)), out::add);
    }
    assertThat(out).containsExactly(big);
    assertThat(splitter.partialFrameBytes()).isZero();
  }

  @Test
  void aBodyCutInsideAFrameIsNotBetweenFrames() {
    FrameSplitter splitter = new FrameSplitter(1024);
    byte[] frame = FrameCodec.encode(Frames.ping(123456));
    splitter.feed(ByteBuffer.wrap(frame, 0, frame.length - 1), f -> {});
    assertThat(splitter.isBetweenFrames()).isFalse();
  }
}

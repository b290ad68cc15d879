package io.linkgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Whatever bytes a client sends, decoding either yields frames or refuses with {@code BAD_FRAME} or
 * {@code FRAME_TOO_LARGE}: never another exception, never a frame over the limit. In the suite the
 * seeds and earlier findings run (regression mode); {@code JAZZER_FUZZ=1} fuzzes (see README).
 */
class FrameDecodingFuzzTest {
  private static final int MAX_FRAME_BYTES = 1024;
  private static final int MAX_FRAMES = 16;

  @FuzzTest(maxDuration = "20s")
  void aBodyDecodesToFramesOrIsRefusedWithACode(byte[] body) {
    List<Frame> frames;
    try {
      frames = FrameCodec.decodeAll(body, MAX_FRAME_BYTES, MAX_FRAMES);
    } catch (GatewayException e) {
      assertThat(e.code()).isIn(ErrorCode.BAD_FRAME, ErrorCode.FRAME_TOO_LARGE);
      return;
    }
    assertThat(frames).hasSizeLessThanOrEqualTo(MAX_FRAMES);
    // What was accepted survives a round trip unchanged, unknown fields included.
    assertThat(FrameCodec.decodeAll(FrameCodec.encodeAll(frames), Integer.MAX_VALUE, MAX_FRAMES)).isEqualTo(frames);
  }

  @FuzzTest(maxDuration = "20s")
  void aStreamReadFrameByFrameAgreesWithTheWholeBodyDecode(byte[] stream) throws IOException {
    FrameReader reader = new FrameReader(new ByteArrayInputStream(stream), MAX_FRAME_BYTES);
    List<Frame> read = new ArrayList<>();
    String readerRefusal = null;
    try {
      for (Frame f; read.size() <= MAX_FRAMES && (f = reader.read()) != null; ) {
        read.add(f);
      }
    } catch (GatewayException e) {
      readerRefusal = e.code().name();
    } catch (EOFException e) {
      readerRefusal = ErrorCode.BAD_FRAME.name(); // truncated: what decodeAll calls BAD_FRAME
    }
    String bodyRefusal = null;
    List<Frame> decoded = List.of();
    try {
      decoded = FrameCodec.decodeAll(stream, MAX_FRAME_BYTES, MAX_FRAMES + 1);
    } catch (GatewayException e) {
      bodyRefusal = e.code().name();
    }
    if (read.size() <= MAX_FRAMES) {
      assertThat(readerRefusal).isEqualTo(bodyRefusal);
      if (bodyRefusal == null) {
        assertThat(read).isEqualTo(decoded);
      }
    }
  }
}

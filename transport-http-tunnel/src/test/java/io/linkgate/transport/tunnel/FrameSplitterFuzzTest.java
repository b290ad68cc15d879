package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.Frame;
import io.linkgate.transport.tunnel.internal.FrameSplitter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * However a body is cut into chunks by the network, the splitter yields the frames a whole-body
 * decode yields, or refuses it with the same code, never another exception. Seeds and findings run
 * in the suite; {@code JAZZER_FUZZ=1} fuzzes.
 */
class FrameSplitterFuzzTest {
  private static final int MAX_FRAME_BYTES = 2048;

  @FuzzTest(maxDuration = "20s")
  void anyChunkingSplitsLikeTheWholeBodyDecode(FuzzedDataProvider data) {
    int chunks = data.consumeInt(1, 16);
    int[] cuts = new int[chunks];
    for (int i = 0; i < chunks; i++) {
      cuts[i] = data.consumeInt(0, 64);
    }
    byte[] body = data.consumeRemainingAsBytes();

    String whole;
    List<Frame> expected = List.of();
    try {
      expected = FrameCodec.decodeAll(body, MAX_FRAME_BYTES, Integer.MAX_VALUE);
      whole = null;
    } catch (GatewayException e) {
      whole = e.code().name();
    }

    FrameSplitter splitter = new FrameSplitter(MAX_FRAME_BYTES);
    List<Frame> got = new ArrayList<>();
    String split = null;
    int at = 0;
    try {
      for (int i = 0; at < body.length; i++) {
        int n = Math.min(body.length - at, Math.max(1, cuts[i % chunks]));
        splitter.feed(ByteBuffer.wrap(body, at, n), got::add);
        at += n;
      }
      if (!splitter.isBetweenFrames()) {
        split = "BAD_FRAME"; // the body ended inside a frame: what the whole decode calls truncated
      }
    } catch (GatewayException e) {
      split = e.code().name();
    }
    assertThat(split).as("refusal").isEqualTo(whole);
    if (whole == null) {
      assertThat(got).isEqualTo(expected);
    } else {
      assertThat(expected).isEmpty();
    }
  }
}

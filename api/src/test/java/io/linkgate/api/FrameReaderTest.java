package io.linkgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameReaderTest {

  @Test
  void readsFramesThenNullAtACleanEnd() throws IOException {
    List<Frame> frames = List.of(Frames.ping(1), Frames.pong(2), Frame.getDefaultInstance());
    FrameReader reader = new FrameReader(new ByteArrayInputStream(FrameCodec.encodeAll(frames)), 1024);

    assertThat(reader.read()).isEqualTo(frames.get(0));
    assertThat(reader.read()).isEqualTo(frames.get(1));
    assertThat(reader.read()).isEqualTo(frames.get(2));
    assertThat(reader.read()).isNull();
  }

  @Test
  void streamEndingInsideAFrameIsAnEofError() {
    byte[] whole = FrameCodec.encode(Frames.ping(123456));
    FrameReader reader =
        new FrameReader(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length - 1)), 1024);

    assertThatThrownBy(reader::read).isInstanceOf(EOFException.class);
  }

  @Test
  void oversizedFrameIsRefusedBeforeItsBodyIsRead() {
    // A header announcing 2,000 bytes followed by nothing: the reader must not wait for the body.
    FrameReader reader = new FrameReader(new ByteArrayInputStream(new byte[] {(byte) 0xD0, 0x0F}), 1024);

    assertThatThrownBy(reader::read)
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
  }
}

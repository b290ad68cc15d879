package io.linkgate.example.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.junit.jupiter.api.Test;

class MessageAssemblerTest {
  private static final int LIMIT = 16;

  private final MessageAssembler assembler = new MessageAssembler(LIMIT);

  @Test
  void aMessageInOneFrameIsReturnedWithoutACopy() {
    ByteBuffer payload = bytes("whole");
    ByteBuffer message = assembler.add(new Frame(OpCode.BINARY, true, payload));
    assertThat(message).isSameAs(payload);
  }

  @Test
  void fragmentsArePutTogetherInOrderAndOnlyTheLastOneCompletesTheMessage() {
    assertThat(assembler.add(new Frame(OpCode.BINARY, false, bytes("ab")))).isNull();
    assertThat(assembler.add(new Frame(OpCode.CONTINUATION, false, bytes("cd")))).isNull();
    ByteBuffer message = assembler.add(new Frame(OpCode.CONTINUATION, true, bytes("ef")));
    assertThat(text(message)).isEqualTo("abcdef");
  }

  @Test
  void anEmptyMessageIsTheEmptyFrame() {
    assertThat(assembler.add(new Frame(OpCode.BINARY, true, (ByteBuffer) null)).remaining()).isZero();
  }

  @Test
  void fragmentsThatTogetherPassTheLimitAreRefusedAndTheNextMessageStillAssembles() {
    assembler.add(new Frame(OpCode.BINARY, false, bytes("0123456789")));
    assertThatThrownBy(() -> assembler.add(new Frame(OpCode.CONTINUATION, true, bytes("0123456789"))))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));

    assembler.add(new Frame(OpCode.BINARY, false, bytes("next ")));
    assertThat(text(assembler.add(new Frame(OpCode.CONTINUATION, true, bytes("one"))))).isEqualTo("next one");
  }

  @Test
  void aTextMessageIsRefusedWithBadFrame() {
    assertThatThrownBy(() -> assembler.add(new Frame(OpCode.TEXT, true, bytes("{}"))))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_FRAME));
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return new String(out, StandardCharsets.UTF_8);
  }
}

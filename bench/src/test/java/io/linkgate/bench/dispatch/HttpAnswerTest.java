package io.linkgate.bench.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpAnswerTest {
  @Test
  void readsOneAnswerAndLeavesTheNextOnTheStream() throws IOException {
    InputStream in = stream("HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 3\r\n\r\nabc"
        + "HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");

    assertThat(HttpAnswer.read(in)).isEqualTo(new HttpAnswer(200, 3, false));
    assertThat(HttpAnswer.read(in)).isEqualTo(new HttpAnswer(401, 2, true));
  }

  @Test
  void aChunkedOrCutAnswerFailsTheRead() {
    assertThatThrownBy(() -> HttpAnswer.read(stream("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> HttpAnswer.read(stream("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc")))
        .isInstanceOf(IOException.class);
  }

  private static InputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
  }
}

package io.linkgate.bench.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpResponseParserTest {
  private final List<String> events = new ArrayList<>();
  private final StringBuilder body = new StringBuilder();
  private final HttpResponseParser parser =
      new HttpResponseParser(
          new HttpResponseParser.Listener() {
            @Override
            public void onHead(int status) {
              events.add("head " + status);
            }

            @Override
            public void onBody(ByteBuf content) {
              body.append(content.toString(StandardCharsets.US_ASCII));
            }

            @Override
            public void onEnd() {
              events.add("end " + body);
              body.setLength(0);
            }
          });

  private static final String KEEP_ALIVE_PAIR =
      "HTTP/1.1 200 OK\r\nContent-Type: x\r\nContent-Length: 5\r\n\r\nhello"
          + "HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n";

  private static final String CHUNKED =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "3\r\nabc\r\nA;ext=1\r\n0123456789\r\n0\r\n\r\n";

  @Test
  void responsesWithALengthFollowEachOtherOnOneConnection() {
    feed(KEEP_ALIVE_PAIR, Integer.MAX_VALUE);

    assertThat(events).containsExactly("head 200", "end hello", "head 401", "end ");
  }

  @Test
  void aChunkedBodyIsDeliveredWithoutItsChunkFraming() {
    feed(CHUNKED, Integer.MAX_VALUE);

    assertThat(events).containsExactly("head 200", "end abc0123456789");
  }

  @Test
  void theSameEventsComeWhateverTheBytesAreSplitInto() {
    for (int piece = 1; piece <= 7; piece++) {
      events.clear();
      feed(CHUNKED + KEEP_ALIVE_PAIR, piece);

      assertThat(events)
          .as("pieces of %d bytes", piece)
          .containsExactly("head 200", "end abc0123456789", "head 200", "end hello", "head 401", "end ");
    }
  }

  @Test
  void somethingOtherThanHttpIsRefused() {
    assertThatThrownBy(() -> feed("SSH-2.0-OpenSSH\r\n", Integer.MAX_VALUE))
        .isInstanceOf(IllegalStateException.class);
  }

  /** Feeds {@code text} in pieces of {@code piece} bytes into one cumulating buffer, as Netty would. */
  private void feed(String text, int piece) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    ByteBuf cumulation = Unpooled.buffer();
    for (int i = 0; i < bytes.length; i += piece) {
      cumulation.writeBytes(bytes, i, Math.min(piece, bytes.length - i));
      parser.parse(cumulation);
      cumulation.discardReadBytes();
    }
  }
}

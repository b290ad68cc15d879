package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The handshake deadline is fixed from the connection's open: a request head trickled in byte by
 * byte (slowloris) is refused when it runs out, as a silent connection is; each byte does not buy
 * the connection more time.
 */
class HandshakeDeadlineTest {
  /** TestNode's handshake timeout. */
  private static final long HANDSHAKE_MS = 2_000;

  @Test
  void aRequestHeadTrickledInIsRefusedWith408AtTheHandshakeDeadline() throws Exception {
    byte[] head =
        ("POST /v1/tunnel/uplink?device_id=slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: "
                + "a".repeat(100))
            .getBytes(StandardCharsets.ISO_8859_1); // never ends: no blank line
    try (TestNode node = TestNode.start();
        Socket s = new Socket("127.0.0.1", node.port(Role.UPLINK))) {
      long start = System.nanoTime();
      s.setSoTimeout((int) (HANDSHAKE_MS * 4));
      Thread trickle = new Thread(() -> trickle(s, head), "slowloris");
      trickle.setDaemon(true);
      trickle.start();
      try {
        InputStream in = new BufferedInputStream(s.getInputStream());
        HttpWire.Head response = HttpWire.readHead(in);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(response.status()).isEqualTo(408);
        assertThat(response.header("X-Linkgate-Error")).isEqualTo("TIMEOUT");
        assertThat(response.header("Connection")).isEqualTo("close");
        List<Frame> body = FrameCodec.decodeAll(HttpWire.readBody(in, response), 65536, 10);
        assertThat(body).singleElement().matches(f -> f.getError().getCode() == ErrorCode.TIMEOUT);
        assertThat(elapsedMs)
            .as("refused at the deadline, though a byte came every %d ms", HANDSHAKE_MS / 3)
            .isBetween(HANDSHAKE_MS - 200, HANDSHAKE_MS + 1_500);
        assertThat(in.read()).as("then the connection ends").isEqualTo(-1);
      } finally {
        trickle.interrupt();
      }
    }
  }

  /** Sends {@code head} one byte every third of the handshake timeout, until cut off. */
  private static void trickle(Socket s, byte[] head) {
    try {
      OutputStream out = s.getOutputStream();
      for (byte b : head) {
        out.write(b);
        out.flush();
        Thread.sleep(HANDSHAKE_MS / 3); // the attacker's pace, not a wait for an event
      }
    } catch (IOException | InterruptedException e) {
      // cut off by the server, or the test is over
    }
  }
}

package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bodies broken at the HTTP level (a bad chunk, a body cut short, a client gone mid-body) are the
 * client's fault: a 400 {@code BAD_FRAME} when someone is left to read it, and never a WARN or
 * ERROR line, from Jetty or from us.
 */
class BrokenBodiesTest {
  private static final String FRAMES = "application/x-linkgate-frames";

  private final AtomicInteger uplinksClosed = new AtomicInteger();
  private ErrorLogGuard log;
  private TestNode node;

  @BeforeEach
  void start() throws Exception {
    log = new ErrorLogGuard();
    node = TestNode.builder().core(core -> new ClosingCounter(core, uplinksClosed)).start();
  }

  @AfterEach
  void stop() {
    node.close();
    log.detach();
  }

  private void assertNothingLoggedAboveDebug() {
    // Jetty logs a request's end after our handler let go of it: watch for a moment longer.
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> log.errors().isEmpty() && log.warnings().isEmpty());
  }

  private Socket post(Map<String, String> extraHeaders, String firstBytes) throws Exception {
    Socket s = new Socket("127.0.0.1", node.port(Role.UPLINK));
    s.setSoTimeout(5_000);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer " + node.token("alice"));
    headers.put("Content-Type", FRAMES);
    headers.putAll(extraHeaders);
    OutputStream out = s.getOutputStream();
    out.write(HttpWire.head("POST", "/v1/tunnel/uplink?device_id=d", headers));
    out.write(firstBytes.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return s;
  }

  private static void assertBadFrame(Socket s) throws Exception {
    InputStream in = new BufferedInputStream(s.getInputStream());
    HttpWire.Head head = HttpWire.readHead(in);
    assertThat(head.status()).isEqualTo(400);
    assertThat(head.header("X-Linkgate-Error")).isEqualTo("BAD_FRAME");
    List<Frame> body = FrameCodec.decodeAll(HttpWire.readBody(in, head), 65536, 10);
    assertThat(body).singleElement().matches(f -> f.getError().getCode() == ErrorCode.BAD_FRAME);
  }

  @Test
  void aChunkedBodyCutShortIs400BadFrame() throws Exception {
    try (Socket s = post(Map.of("Transfer-Encoding", "chunked"), "64\r\n0123456789")) {
      s.shutdownOutput(); // 100 bytes promised, 10 sent, and no more: the body ends early
      assertBadFrame(s);
    }
    assertNothingLoggedAboveDebug();
  }

  @Test
  void aBadChunkSizeIs400BadFrame() throws Exception {
    try (Socket s = post(Map.of("Transfer-Encoding", "chunked"), "zz\r\n0123456789\r\n")) {
      assertBadFrame(s);
    }
    assertNothingLoggedAboveDebug();
  }

  @Test
  void aClientLeavingMidBodyIsNoWarning() throws Exception {
    for (int i = 0; i < 5; i++) {
      Socket s = post(Map.of("Content-Length", "1000"), "x".repeat(100));
      s.close();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> uplinksClosed.get() == 5);
    assertNothingLoggedAboveDebug();
  }
}

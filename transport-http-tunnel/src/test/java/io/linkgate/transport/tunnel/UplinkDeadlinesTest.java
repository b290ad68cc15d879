package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Send;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.UplinkSession;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An uplink POST is timed only while it waits: a core that is slow to open its session (to
 * authenticate) and a body that does not come are each cut at their deadline, though requests
 * that have all they need at once start no timer.
 */
class UplinkDeadlinesTest {
  private static final String FRAMES = "application/x-linkgate-frames";
  /** TestNode's handshake timeout. */
  private static final long HANDSHAKE_MS = 2_000;
  private static final long BODY_TIMEOUT_MS = 1_500;

  @Test
  void aSessionOpenedAfterTheHandshakeDeadlineIsRefusedWithTimeoutAndClosed() throws Exception {
    ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger closed = new AtomicInteger();
    try (TestNode node =
        TestNode.builder().core(core -> new LateCore(core, closed, later, HANDSHAKE_MS + 1_000)).start()) {
      try (Socket s = post(node, "Content-Length", Integer.toString(sendBody().length))) {
        s.getOutputStream().write(sendBody());
        long start = System.nanoTime();
        Answer answer = read(s);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(answer.head().header("X-Linkgate-Error")).isEqualTo("TIMEOUT");
        assertThat(answer.frames()).singleElement().matches(f -> f.getError().getCode() == ErrorCode.TIMEOUT);
        assertThat(elapsedMs).as("refused at the handshake deadline").isBetween(HANDSHAKE_MS - 300, HANDSHAKE_MS + 2_500);
      }
      // The session the core opens after the refusal is given back, not leaked.
      await().atMost(Duration.ofSeconds(10)).until(() -> closed.get() == 1);
    } finally {
      later.shutdownNow();
    }
  }

  @Test
  void aBodyThatNeverComesIsCutAtTheBodyDeadline() throws Exception {
    try (TestNode node =
            TestNode.builder().option("body-timeout-ms", Long.toString(BODY_TIMEOUT_MS)).start();
        Socket s = post(node, "Content-Length", "100")) {
      long start = System.nanoTime(); // the head is out; not one byte of the body will follow
      Answer answer = read(s);
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(answer.head().status()).isEqualTo(408);
      assertThat(answer.frames()).singleElement().matches(f -> f.getError().getCode() == ErrorCode.TIMEOUT);
      assertThat(elapsedMs).as("cut at the body deadline").isBetween(BODY_TIMEOUT_MS - 300, BODY_TIMEOUT_MS + 2_500);
    }
  }

  private record Answer(HttpWire.Head head, List<Frame> frames) {}

  private static Socket post(TestNode node, String header, String value) throws Exception {
    Socket s = new Socket("127.0.0.1", node.port(Role.UPLINK));
    s.setSoTimeout(10_000);
    s.getOutputStream()
        .write(
            HttpWire.head(
                "POST",
                "/v1/tunnel/uplink?device_id=d1",
                Map.of("Authorization", "Bearer " + node.token("alice"), "Content-Type", FRAMES, header, value)));
    s.getOutputStream().flush();
    return s;
  }

  private static Answer read(Socket s) throws Exception {
    InputStream in = new BufferedInputStream(s.getInputStream());
    HttpWire.Head head = HttpWire.readHead(in);
    return new Answer(head, FrameCodec.decodeAll(HttpWire.readBody(in, head), 65536, 10));
  }

  private static byte[] sendBody() {
    return TestNode.frames(
        Frame.newBuilder().setSend(Send.newBuilder().setClientMsgId("c1").setTo("user:bob")).build());
  }

  /** Counts closed uplink sessions as its parent does, but opens each {@code delayMs} late. */
  private static final class LateCore extends ClosingCounter {
    private final ScheduledExecutorService later;
    private final long delayMs;

    LateCore(SessionHandler core, AtomicInteger closed, ScheduledExecutorService later, long delayMs) {
      super(core, closed);
      this.later = later;
      this.delayMs = delayMs;
    }

    @Override
    public CompletionStage<UplinkSession> openUplink(Hello hello, ConnectionInfo info) {
      CompletableFuture<UplinkSession> late = new CompletableFuture<>();
      later.schedule(
          () -> super.openUplink(hello, info).whenComplete((s, err) -> {
            if (err != null) {
              late.completeExceptionally(err);
            } else {
              late.complete(s);
            }
          }),
          delayMs,
          TimeUnit.MILLISECONDS);
      return late;
    }
  }
}

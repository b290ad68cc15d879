package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Send;
import io.linkgate.transport.tunnel.internal.server.ServerProbe;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Request bodies cannot hold the node's memory: each must arrive within the body timeout, however
 * it trickles, and all of them together within the node's budget of held body bytes.
 */
class RequestBodyBoundsTest {
  private static final String FRAMES = "application/x-linkgate-frames";
  private static final long BODY_TIMEOUT_MS = 1_500;
  private static final long BUDGET_BYTES = 256 * 1024;

  /** What one half-sent POST got back. */
  private record Outcome(int status, String error, List<Frame> body, long elapsedMs, int next) {}

  @Test
  void halfSentBodiesAreCutAtTheBodyDeadlineAndTheBytesHeldStayWithinTheBudget() throws Exception {
    int connections = 12;
    // Each declares 200,000 bytes and sends three 20 KB frames, then nothing: 12 x 60 KB is far
    // over the budget, and none of the bodies will ever be complete.
    byte[] part = TestNode.frames(send("a", 20_000), send("b", 20_000), send("c", 20_000));
    ErrorLogGuard log = new ErrorLogGuard();
    ExecutorService readers = Executors.newFixedThreadPool(connections);
    List<Socket> sockets = new ArrayList<>();
    try (TestNode node =
        TestNode.builder()
            .option("body-timeout-ms", Long.toString(BODY_TIMEOUT_MS))
            .option("max-buffered-body-bytes", Long.toString(BUDGET_BYTES))
            .start()) {
      List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        Socket s = new Socket("127.0.0.1", node.port(Role.UPLINK));
        sockets.add(s);
        s.setSoTimeout(8_000);
        var out = s.getOutputStream();
        out.write(
            HttpWire.head(
                "POST",
                "/v1/tunnel/uplink?device_id=d" + i,
                Map.of(
                    "Authorization",
                    "Bearer " + node.token("mallory"),
                    "Content-Type",
                    FRAMES,
                    "Content-Length",
                    "200000")));
        out.write(part);
        out.flush();
        long start = System.nanoTime();
        outcomes.add(CompletableFuture.supplyAsync(() -> readOutcome(s, start), readers));
      }

      // Sample the bytes held while the answers come.
      CompletableFuture<Void> answered =
          CompletableFuture.allOf(outcomes.toArray(new CompletableFuture<?>[0]));
      AtomicLong mostHeld = new AtomicLong();
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(5))
          .until(
              () -> {
                mostHeld.accumulateAndGet(
                    ServerProbe.bufferedBodyBytes(node.uplinkTransport()), Math::max);
                return answered.isDone();
              });
      assertThat(mostHeld.get())
          .as("body bytes held at once")
          .isPositive()
          .isLessThanOrEqualTo(BUDGET_BYTES);

      List<Outcome> all = outcomes.stream().map(CompletableFuture::join).toList();
      List<Outcome> timedOut = all.stream().filter(o -> o.status() == 408).toList();
      List<Outcome> refused = all.stream().filter(o -> o.status() == 503).toList();
      assertThat(timedOut.size() + refused.size())
          .as("every half-sent POST is answered 408 or 503: %s", all)
          .isEqualTo(connections);
      assertThat(timedOut).as("bodies within the budget wait for their deadline").isNotEmpty();
      assertThat(refused).as("bodies past the budget are refused at once").isNotEmpty();
      for (Outcome o : timedOut) {
        assertThat(o.error()).isEqualTo("TIMEOUT");
        assertThat(o.body())
            .singleElement()
            .matches(f -> f.getError().getCode() == ErrorCode.TIMEOUT);
        assertThat(o.elapsedMs())
            .as("cut at the body deadline, not at the 60 s idle timeout")
            .isBetween(BODY_TIMEOUT_MS - 300, BODY_TIMEOUT_MS + 2_500);
        assertThat(o.next()).as("and the connection closed").isEqualTo(-1);
      }
      for (Outcome o : refused) {
        assertThat(o.error()).isEqualTo("UNAVAILABLE");
        assertThat(o.body())
            .singleElement()
            .matches(f -> f.getError().getCode() == ErrorCode.UNAVAILABLE);
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> ServerProbe.bufferedBodyBytes(node.uplinkTransport()) == 0);

      HttpResponse<byte[]> after =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(node.uri(Role.UPLINK, "/v1/tunnel/uplink?device_id=ok"))
                      .header("Authorization", "Bearer " + node.token("alice"))
                      .header("Content-Type", FRAMES)
                      .POST(HttpRequest.BodyPublishers.ofByteArray(TestNode.frames(send("x", 10))))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(after.statusCode()).as("a whole body is taken once they are gone").isEqualTo(200);
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
      readers.shutdownNow();
      log.detach();
    }
    assertThat(log.errors()).as("ERROR events").isEmpty();
    assertThat(log.warnings()).as("WARN events").isEmpty();
  }

  private static Outcome readOutcome(Socket s, long startNanos) {
    try {
      InputStream in = new BufferedInputStream(s.getInputStream());
      HttpWire.Head head = HttpWire.readHead(in);
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
      List<Frame> body = FrameCodec.decodeAll(HttpWire.readBody(in, head), 65536, 10);
      return new Outcome(
          head.status(), head.header("X-Linkgate-Error"), body, elapsedMs, in.read());
    } catch (Exception e) {
      throw new AssertionError("no answer to a half-sent POST: " + e, e);
    }
  }

  private static Frame send(String id, int payloadBytes) {
    return Frame.newBuilder()
        .setSend(
            Send.newBuilder()
                .setClientMsgId(id)
                .setTo("user:bob")
                .setPayload(ByteString.copyFrom(new byte[payloadBytes])))
        .build();
  }
}

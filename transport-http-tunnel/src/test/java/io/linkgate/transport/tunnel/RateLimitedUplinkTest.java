package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Send;
import com.google.protobuf.ByteString;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A user's send rate on the uplink POST: a POST refused whole is {@code 429} with {@code
 * Retry-After}, its body still one {@code Error} per frame with the exact hint; a POST refused in
 * part is a 200 whose refused frames are answered {@code Error RATE_LIMITED} in band.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitedUplinkTest {
  /** One send at once, then one per 400 ms: a hint is at most 400 ms, Retry-After 1 s. */
  private static final double SENDS_PER_SECOND = 2.5;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private TestNode node;

  @BeforeAll
  void start() throws Exception {
    node = TestNode.builder().sendRate(SENDS_PER_SECOND, 1).start();
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void aPostWhoseEverySendIsPastTheRateIs429WithRetryAfterAndTheErrorsInItsBody() throws Exception {
    assertThat(post("alice", send("a-1")).statusCode()).isEqualTo(200);

    HttpResponse<byte[]> refused = post("alice", send("a-2"), send("a-3"));
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After"))
        .as("the longest hint (at most 400 ms), rounded up to whole seconds")
        .hasValue("1");
    assertThat(refused.headers().firstValue("X-Linkgate-Error")).hasValue("RATE_LIMITED");
    assertThat(refused.headers().firstValue("Connection"))
        .as("the body was read whole: the connection may carry the retry")
        .isEmpty();
    List<Frame> answers = FrameCodec.decodeAll(refused.body(), 65536, 10);
    assertThat(answers).hasSize(2);
    for (int i = 0; i < 2; i++) {
      var error = answers.get(i).getError();
      assertThat(error.getCode()).isEqualTo(ErrorCode.RATE_LIMITED);
      assertThat(error.getClientMsgId()).isEqualTo("a-" + (i + 2));
      assertThat(error.getRetryAfterMs()).isBetween(1, 400);
    }
  }

  @Test
  void aPostRefusedInPartIs200WithTheRefusalsInBand() throws Exception {
    HttpResponse<byte[]> mixed = post("bob", send("b-1"), send("b-2"));
    assertThat(mixed.statusCode()).isEqualTo(200);
    assertThat(mixed.headers().firstValue("Retry-After")).isEmpty();
    List<Frame> answers = FrameCodec.decodeAll(mixed.body(), 65536, 10);
    assertThat(answers.get(0).getSendAck().getClientMsgId()).isEqualTo("b-1");
    assertThat(answers.get(1).getError().getCode()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(answers.get(1).getError().getRetryAfterMs()).isPositive();
  }

  private HttpResponse<byte[]> post(String user, Frame... frames) throws Exception {
    return http.send(
        HttpRequest.newBuilder(node.uri(Role.UPLINK, "/v1/tunnel/uplink?device_id=" + user + "-phone"))
            .header("Authorization", "Bearer " + node.token(user))
            .header("Content-Type", "application/x-linkgate-frames")
            .POST(HttpRequest.BodyPublishers.ofByteArray(TestNode.frames(frames)))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static Frame send(String clientMsgId) {
    return Frame.newBuilder()
        .setSend(
            Send.newBuilder()
                .setClientMsgId(clientMsgId)
                .setTo("user:nobody")
                .setPayload(ByteString.copyFromUtf8(clientMsgId)))
        .build();
  }
}

package io.linkgate.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Error;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.router.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A user sending faster than its rate. However the transport carries the refusal (an in-band
 * {@code Error}, an HTTP 429, a gRPC RESOURCE_EXHAUSTED), its client hands back an {@code Error
 * RATE_LIMITED} with the node's {@code retry_after_ms}, the hint the client SDK waits out.
 */
final class RateLimitChecks {
  /** One token per ten seconds: no send past the burst can be refilled while the check runs. */
  private static final double SENDS_PER_SECOND = 0.1;

  private static final int BURST = 3;
  private static final int SENDS = 8;
  private static final String MARKER = "after the refusals";

  private final Fixture fx;

  RateLimitChecks(Fixture fx) {
    this.fx = fx;
  }

  /**
   * Sends pipelined past the burst: the burst is acked; every other send gets {@code Error
   * RATE_LIMITED} naming it, with a hint no longer than a token's refill; none of those is
   * delivered (the next push after the acked ones is the kit's own); and the uplink keeps serving.
   */
  void sendsPastTheUserRateAreRefusedWithAHintAndNotDelivered() throws IOException {
    TckNode node =
        fx.startNode(
            fx.baseConfig()
                .withNodeId(fx.baseConfig().nodeId() + "-rate")
                .withSendRate(SENDS_PER_SECOND, BURST));
    String alice = fx.user("alice");
    String bob = fx.user("bob");
    TestDownlink bobPhone =
        fx.downlink(
            fx.client(), node.endpoint(Role.DOWNLINK), fx.hello(bob, "bob-phone", Role.DOWNLINK));
    ClientUplink up =
        fx.uplink(
            fx.client(), node.endpoint(Role.UPLINK), fx.hello(alice, "alice-phone", Role.UPLINK));

    List<CompletionStage<Frame>> answers = new ArrayList<>();
    for (int i = 0; i < SENDS; i++) {
      answers.add(up.call(Wire.send("r-" + i, "user:" + bob, "m-" + i)));
    }
    List<String> acked = new ArrayList<>();
    int refused = 0;
    long refillMs = (long) Math.ceil(1000 / SENDS_PER_SECOND);
    for (int i = 0; i < SENDS; i++) {
      Frame answer = fx.join(answers.get(i), "the answer to send r-" + i);
      if (answer.hasSendAck()) {
        acked.add("m-" + i);
        continue;
      }
      assertThat(Wire.isError(answer, ErrorCode.RATE_LIMITED))
          .as("send r-%d past the rate: a SendAck or Error RATE_LIMITED, got %s", i, Wire.describe(answer))
          .isTrue();
      Error e = answer.getError();
      assertThat(e.getClientMsgId()).as("the refusal names its send").isEqualTo("r-" + i);
      assertThat(e.getRetryAfterMs())
          .as("retry_after_ms of a refused send (a token every %d ms)", refillMs)
          .isPositive()
          .isLessThanOrEqualTo((int) refillMs);
      refused++;
    }
    assertThat(acked).as("sends acked: the burst").hasSize(BURST);
    assertThat(refused).isEqualTo(SENDS - BURST);
    // Alone, once the others are answered: a request refused whole, where a transport has requests.
    Frame alone = fx.call(up, Wire.send("r-alone", "user:" + bob, "alone"));
    assertThat(Wire.isError(alone, ErrorCode.RATE_LIMITED) && alone.getError().getRetryAfterMs() > 0)
        .as("a send alone past the rate: Error RATE_LIMITED with a hint, got %s", Wire.describe(alone))
        .isTrue();

    List<Push> delivered = bobPhone.nextPushes(BURST);
    assertThat(delivered).extracting(Wire::text).containsExactlyInAnyOrderElementsOf(acked);
    fx.join(
        node.router().push(bob, Message.of("tck", "user:" + bob, MARKER.getBytes(StandardCharsets.UTF_8))),
        "a push after the refused sends");
    assertThat(Wire.text(bobPhone.nextPush()))
        .as("the push after the acked sends: no refused send came between")
        .isEqualTo(MARKER);

    Frame pong = fx.call(up, Wire.ping(7));
    assertThat(pong.hasPong() && pong.getPong().getNonce() == 7)
        .as("the uplink still serves after the refusals, got %s", Wire.describe(pong))
        .isTrue();
  }
}

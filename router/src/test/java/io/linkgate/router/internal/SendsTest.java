package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.GatewayException;
import io.linkgate.api.auth.Identity;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Send;
import io.linkgate.api.proto.SendAck;
import io.linkgate.router.BusinessHandler;
import io.linkgate.router.Router;
import io.linkgate.router.RouterEvents;
import io.linkgate.router.SendContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A send's way through the dedup and the business handler, whether the handler's stage is complete
 * when returned, not complete yet, failed, or not a plain {@code CompletableFuture}: the router
 * takes a complete one in line and the others asynchronously, and the client sees no difference.
 */
class SendsTest {
  private static final SendContext ALICE =
      new SendContext() {
        @Override
        public Identity identity() {
          return new Identity("alice");
        }

        @Override
        public String deviceId() {
          return "phone";
        }

        @Override
        public Router router() {
          throw new UnsupportedOperationException("not used by these handlers");
        }
      };

  private final Ids msgIds = new Ids("node-t", "m");
  private final AtomicInteger handled = new AtomicInteger();
  /** What {@code sendAnswered} was told, one entry a call: "ack" or the error's code. */
  private final List<String> reported = new CopyOnWriteArrayList<>();

  private Sends sends(BusinessHandler handler) {
    RouterEvents events =
        new RouterEvents() {
          @Override
          public void sendAnswered(ErrorCode code, long nanos) {
            reported.add(code == null ? "ack" : code.name());
          }
        };
    SendDedup dedup = new SendDedup(100, Duration.ofMinutes(10), System::nanoTime, msgIds);
    BusinessHandler counted =
        (ctx, send) -> {
          handled.incrementAndGet();
          return handler.onSend(ctx, send);
        };
    return new Sends(dedup, null, null, events, counted, null);
  }

  private static Send send(String clientMsgId) {
    return Send.newBuilder().setClientMsgId(clientMsgId).setTo("user:bob").build();
  }

  private Frame ack(String clientMsgId) {
    return Frame.newBuilder()
        .setSendAck(SendAck.newBuilder().setClientMsgId(clientMsgId).setMsgId(msgIds.next()).setServerTimeMs(7))
        .build();
  }

  @Test
  void anAnswerAlreadyInIsGivenAtOnceReportedOnceAndKeptForTheRetry() {
    Frame ack = ack("c1");
    Sends sends = sends((ctx, send) -> CompletableFuture.completedFuture(ack));

    CompletionStage<Frame> first = sends.handle(ALICE, send("c1"));

    assertThat(first.toCompletableFuture()).isCompletedWithValue(ack);
    assertThat(reported).containsExactly("ack");
    assertThat(sends.handle(ALICE, send("c1")).toCompletableFuture()).isCompletedWithValue(ack);
    assertThat(handled).as("the retry answered from the window").hasValue(1);
    assertThat(reported).as("once a send, the retry too").containsExactly("ack", "ack");
  }

  @Test
  void anAnswerNotInYetIsGivenWhenItComesAndARetryMeanwhileWaitsForIt() {
    CompletableFuture<Frame> slow = new CompletableFuture<>();
    Sends sends = sends((ctx, send) -> slow);

    CompletionStage<Frame> first = sends.handle(ALICE, send("c1"));
    CompletionStage<Frame> retry = sends.handle(ALICE, send("c1"));

    assertThat(first.toCompletableFuture()).isNotDone();
    assertThat(retry.toCompletableFuture()).isNotDone();
    assertThat(reported).isEmpty();
    Frame ack = ack("c1");
    slow.complete(ack);
    assertThat(first.toCompletableFuture()).isCompletedWithValue(ack);
    assertThat(retry.toCompletableFuture()).isCompletedWithValue(ack);
    assertThat(handled).hasValue(1);
    assertThat(reported).containsExactly("ack", "ack");
  }

  @Test
  void aRetryThatArrivesWhileTheHandlerRunsGetsTheAnswerTheHandlerGivesAtOnce() {
    Frame ack = ack("c1");
    AtomicReference<CompletionStage<Frame>> retry = new AtomicReference<>();
    AtomicReference<Sends> sends = new AtomicReference<>();
    sends.set(
        sends(
            (ctx, send) -> {
              // As if another connection's retry of the send came in while this one is handled.
              retry.set(sends.get().handle(ALICE, send("c1")));
              return CompletableFuture.completedFuture(ack);
            }));

    CompletionStage<Frame> first = sends.get().handle(ALICE, send("c1"));

    assertThat(first.toCompletableFuture()).isCompletedWithValue(ack);
    assertThat(retry.get().toCompletableFuture()).isCompletedWithValue(ack);
    assertThat(handled).hasValue(1);
    assertThat(reported).containsExactly("ack", "ack");
  }

  @Test
  void aHandlerThatThrowsIsAnsweredWithItsErrorAndTheRetryIsHandledAgain() {
    Frame ack = ack("c1");
    Sends sends =
        sends(
            (ctx, send) -> {
              if (handled.get() == 1) {
                throw new GatewayException(ErrorCode.FORBIDDEN, "not now");
              }
              return CompletableFuture.completedFuture(ack);
            });

    assertRefusedThenAcked(sends, ErrorCode.FORBIDDEN, ack);
  }

  @Test
  void aHandlerWhoseStageFailedIsAnsweredWithItsErrorAndTheRetryIsHandledAgain() {
    Frame ack = ack("c1");
    Sends sends =
        sends(
            (ctx, send) ->
                handled.get() == 1
                    ? CompletableFuture.failedFuture(new GatewayException(ErrorCode.UNAVAILABLE, "later"))
                    : CompletableFuture.completedFuture(ack));

    assertRefusedThenAcked(sends, ErrorCode.UNAVAILABLE, ack);
  }

  /** The first attempt of c1 is refused with {@code code}, not kept, and its retry acked. */
  private void assertRefusedThenAcked(Sends sends, ErrorCode code, Frame ack) {
    Frame refused = answeredAtOnce(sends.handle(ALICE, send("c1")));
    assertThat(refused.getError().getCode()).isEqualTo(code);
    assertThat(refused.getError().getClientMsgId()).isEqualTo("c1");
    assertThat(answeredAtOnce(sends.handle(ALICE, send("c1")))).isEqualTo(ack);
    assertThat(handled).as("the refusal was not kept").hasValue(2);
    assertThat(reported).containsExactly(code.name(), "ack");
  }

  /** The answer of a send whose handler's stage was complete (as every stage here is by then). */
  private static Frame answeredAtOnce(CompletionStage<Frame> stage) {
    CompletableFuture<Frame> f = stage.toCompletableFuture();
    assertThat(f).isDone();
    return f.join();
  }

  @Test
  void anAnswerInAStageThatIsNotAPlainFutureIsGivenAndKept() {
    Frame ack = ack("c1");
    // completedStage's class is a CompletableFuture whose isDone and getNow throw.
    Sends sends = sends((ctx, send) -> CompletableFuture.completedStage(ack));

    assertThat(answeredAtOnce(sends.handle(ALICE, send("c1")))).isEqualTo(ack);
    assertThat(answeredAtOnce(sends.handle(ALICE, send("c1")))).isEqualTo(ack);
    assertThat(handled).hasValue(1);
    assertThat(reported).containsExactly("ack", "ack");
  }
}

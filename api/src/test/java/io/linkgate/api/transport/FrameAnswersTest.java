package io.linkgate.api.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Welcome;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** One answer per frame, in the frames' order, whether the answers are ready at once or later. */
class FrameAnswersTest {
  private static final List<Frame> FRAMES = List.of(Frames.ping(1), Frames.ping(2), Frames.ping(3));

  @Test
  void answersReadyAtOnceAreTheBodyAtOnce() {
    CompletableFuture<List<Frame>> body =
        FrameAnswers.each(FRAMES, f -> CompletableFuture.completedFuture(Frames.pong(f.getPing().getNonce())));
    assertThat(body).isDone();
    assertThat(body.join()).extracting(f -> f.getPong().getNonce()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void answersCompletingLaterAndOutOfOrderAreWrittenInTheFramesOrder() {
    Map<Long, CompletableFuture<Frame>> later = new HashMap<>();
    CompletableFuture<List<Frame>> body =
        FrameAnswers.each(
            FRAMES,
            f -> {
              long n = f.getPing().getNonce();
              if (n == 2) {
                return CompletableFuture.failedFuture(
                    new GatewayException(ErrorCode.UNAVAILABLE, "no"));
              }
              CompletableFuture<Frame> answer = new CompletableFuture<>();
              later.put(n, answer);
              return answer;
            });
    later.get(3L).complete(Frames.pong(3));
    assertThat(body).isNotDone();
    later.get(1L).complete(null);
    assertThat(body.join())
        .extracting(f -> f.hasPong() ? "pong" : f.getError().getCode().name())
        .containsExactly("INTERNAL", "UNAVAILABLE", "pong");
  }

  @Test
  void aSessionThatThrowsOrMiscountsGivesEveryFrameItsError() {
    UplinkSession throwing = session(frames -> {
      throw new GatewayException(ErrorCode.UNAVAILABLE, "down");
    });
    UplinkSession miscounting = session(frames -> List.of(CompletableFuture.completedFuture(Frames.pong(1))));

    assertThat(FrameAnswers.all(FrameAnswers.of(throwing, FRAMES)).join())
        .extracting(f -> f.getError().getCode())
        .containsExactly(ErrorCode.UNAVAILABLE, ErrorCode.UNAVAILABLE, ErrorCode.UNAVAILABLE);
    assertThat(FrameAnswers.all(FrameAnswers.of(miscounting, FRAMES)).join())
        .extracting(f -> f.getError().getCode())
        .containsExactly(ErrorCode.INTERNAL, ErrorCode.INTERNAL, ErrorCode.INTERNAL);
  }

  private static UplinkSession session(
      Function<List<Frame>, List<CompletionStage<Frame>>> all) {
    return new UplinkSession() {
      @Override
      public Welcome welcome() {
        return Welcome.getDefaultInstance();
      }

      @Override
      public CompletionStage<Frame> handle(Frame frame) {
        throw new AssertionError("frames go to handleAll");
      }

      @Override
      public List<CompletionStage<Frame>> handleAll(List<Frame> frames) {
        return all.apply(frames);
      }

      @Override
      public void onClosed() {}
    };
  }
}

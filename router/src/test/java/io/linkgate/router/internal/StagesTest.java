package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class StagesTest {
  @Test
  void onlyAPlainFutureCompletedWithAValueCountsAsSucceeded() {
    assertThat(Stages.succeeded(CompletableFuture.completedFuture("v"))).isTrue();
    assertThat(Stages.value(CompletableFuture.completedFuture("v"))).isEqualTo("v");
    assertThat(Stages.succeeded(CompletableFuture.completedFuture(null))).isTrue();
    assertThat(Stages.succeeded(new CompletableFuture<>())).as("not complete").isFalse();
    assertThat(Stages.succeeded(CompletableFuture.failedFuture(new IllegalStateException())))
        .as("failed")
        .isFalse();
    CompletableFuture<String> cancelled = new CompletableFuture<>();
    cancelled.cancel(false);
    assertThat(Stages.succeeded(cancelled)).as("cancelled").isFalse();
    assertThat(Stages.succeeded(CompletableFuture.completedStage("v")))
        .as("a minimal stage, whose isDone throws")
        .isFalse();
    assertThat(Stages.succeeded(null)).isFalse();
  }

  @Test
  void anInLineStepThatThrewFailsItsStageAsAnAsynchronousStepWould() {
    IllegalStateException boom = new IllegalStateException("boom");
    CompletableFuture<Object> async =
        CompletableFuture.completedFuture("v").thenApply(v -> {
          throw boom;
        });
    Throwable inLine = exceptionOf(Stages.failed(boom));
    assertThat(inLine).isInstanceOf(CompletionException.class).isExactlyInstanceOf(exceptionOf(async).getClass());
    assertThat(inLine.getCause()).isSameAs(boom).isSameAs(exceptionOf(async).getCause());
    CompletionException wrapped = new CompletionException(boom);
    assertThat(exceptionOf(Stages.failed(wrapped))).as("not wrapped twice").isSameAs(wrapped);
  }

  /** The throwable the stage holds, as whenComplete sees it. */
  private static Throwable exceptionOf(CompletableFuture<?> f) {
    Throwable[] seen = new Throwable[1];
    f.whenComplete((v, err) -> seen[0] = err);
    return seen[0];
  }
}

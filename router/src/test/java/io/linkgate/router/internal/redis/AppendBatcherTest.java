package io.linkgate.router.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The batcher's queueing rules, with script calls the test answers by hand, sent on the caller's thread. */
class AppendBatcherTest {
  /** Script calls made so far, each with the reply the test completes. */
  private final List<List<AppendBatcher.Pending>> calls = new ArrayList<>();
  private final List<CompletableFuture<List<AppendBatcher.Stored>>> replies = new ArrayList<>();
  private final AppendBatcher batcher =
      new AppendBatcher(
          batch -> {
            CompletableFuture<List<AppendBatcher.Stored>> reply = new CompletableFuture<>();
            calls.add(batch);
            replies.add(reply);
            return reply;
          },
          Runnable::run);

  private static AppendBatcher.Pending pending(String user, int pushes, int bytesEach) {
    byte[][] entries = new byte[pushes][];
    for (int i = 0; i < pushes; i++) {
      entries[i] = new byte[bytesEach];
    }
    return new AppendBatcher.Pending(user, Redis.lengthPrefixed(Redis.utf8(user)), entries, new CompletableFuture<>());
  }

  private static void answer(CompletableFuture<List<AppendBatcher.Stored>> reply, List<AppendBatcher.Pending> batch) {
    List<AppendBatcher.Stored> stored = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      stored.add(new AppendBatcher.Stored("e", i + 1));
    }
    reply.complete(stored);
  }

  @Test
  void aLoneAppendGoesOutAtOnce() {
    AppendBatcher.Pending a = pending("a", 1, 10);
    batcher.submit(List.of(a));
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0)).containsExactly(a);
  }

  @Test
  void appendsMadeWhileCallsAreInFlightLeaveTogetherInSubmitOrderWhenOneReturns() {
    for (int i = 0; i < AppendBatcher.MAX_IN_FLIGHT; i++) {
      batcher.submit(List.of(pending("first" + i, 1, 10)));
    }
    List<AppendBatcher.Pending> waiting = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      waiting.add(pending("u" + i, 1, 10));
      batcher.submit(List.of(waiting.get(i)));
    }
    assertThat(calls).hasSize(AppendBatcher.MAX_IN_FLIGHT);
    assertThat(batcher.queuedPushes()).isEqualTo(5);

    answer(replies.get(0), calls.get(0));
    assertThat(calls).hasSize(AppendBatcher.MAX_IN_FLIGHT + 1);
    assertThat(calls.get(AppendBatcher.MAX_IN_FLIGHT)).containsExactlyElementsOf(waiting);
    assertThat(batcher.queuedPushes()).isZero();
  }

  @Test
  void eachAppendGetsItsOwnResultFromTheSharedCall() throws Exception {
    fillInFlight();
    AppendBatcher.Pending a = pending("a", 2, 10);
    AppendBatcher.Pending b = pending("b", 3, 10);
    batcher.submit(List.of(a, b));
    answer(replies.get(0), calls.get(0));
    replies.get(AppendBatcher.MAX_IN_FLIGHT)
        .complete(List.of(new AppendBatcher.Stored("ea", 7), new AppendBatcher.Stored("eb", 1)));
    assertThat(a.done().get()).isEqualTo(new AppendBatcher.Stored("ea", 7));
    assertThat(b.done().get()).isEqualTo(new AppendBatcher.Stored("eb", 1));
  }

  @Test
  void aCallIsCutAtItsPushAndByteBoundsAndTheRestFollows() {
    fillInFlight();
    int per = AppendBatcher.MAX_PUSHES_PER_CALL / 4;
    for (int i = 0; i < 5; i++) {
      batcher.submit(List.of(pending("u" + i, per, 1)));
    }
    AppendBatcher.Pending big = pending("big", 1, AppendBatcher.MAX_BYTES_PER_CALL);
    batcher.submit(List.of(big));
    answer(replies.get(0), calls.get(0));
    assertThat(calls.get(AppendBatcher.MAX_IN_FLIGHT)).hasSize(4); // the fifth would pass the push bound
    answer(replies.get(1), calls.get(1));
    assertThat(calls.get(AppendBatcher.MAX_IN_FLIGHT + 1)).hasSize(1); // the big one would pass the byte bound
    answer(replies.get(AppendBatcher.MAX_IN_FLIGHT), calls.get(AppendBatcher.MAX_IN_FLIGHT));
    // Alone, an append larger than the byte bound still goes.
    assertThat(calls.get(AppendBatcher.MAX_IN_FLIGHT + 2)).containsExactly(big);
  }

  @Test
  void aFailedCallFailsItsAppendsAndTheNextCallStillGoes() {
    fillInFlight();
    AppendBatcher.Pending lost = pending("lost", 1, 10);
    batcher.submit(List.of(lost));
    answer(replies.get(0), calls.get(0));
    AppendBatcher.Pending next = pending("next", 1, 10);
    batcher.submit(List.of(next));
    replies.get(AppendBatcher.MAX_IN_FLIGHT).completeExceptionally(new IllegalStateException("connection reset"));
    assertThat(lost.done()).isCompletedExceptionally();
    assertThat(calls.get(calls.size() - 1)).containsExactly(next);
  }

  @Test
  void pastTheBacklogBoundAppendsAreRefusedAsUnavailableAndNothingOfThemIsSent() {
    fillInFlight();
    int chunk = 1000;
    for (int queued = 0; queued + chunk <= AppendBatcher.MAX_QUEUED; queued += chunk) {
      batcher.submit(List.of(pending("u", chunk, 1)));
    }
    AppendBatcher.Pending refused = pending("late", 1, 1);
    batcher.submit(List.of(refused));
    assertThat(refused.done()).isCompletedExceptionally();
    try {
      refused.done().get();
    } catch (InterruptedException | ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(GatewayException.class);
      assertThat(((GatewayException) e.getCause()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(e.getCause()).hasMessageContaining("backlog full");
    }
    assertThat(batcher.queuedPushes()).isEqualTo(AppendBatcher.MAX_QUEUED);
    calls.forEach(batch -> assertThat(batch).doesNotContain(refused));
  }

  @Test
  void onTheThreadWhereRepliesCompleteAppendsWaitForTheSender() {
    List<Runnable> senderTasks = new ArrayList<>();
    List<CompletableFuture<List<AppendBatcher.Stored>>> made = new ArrayList<>();
    AppendBatcher b =
        new AppendBatcher(
            replyingLater(made),
            senderTasks::add);
    b.submit(List.of(pending("a", 1, 1)));
    assertThat(made).as("sent at once by the thread that made it").hasSize(1);
    made.get(0).complete(List.of(new AppendBatcher.Stored("e", 1))); // this thread is now the reply thread

    b.submit(List.of(pending("b", 1, 1)));
    assertThat(made).as("not sent from the reply thread").hasSize(1);
    assertThat(senderTasks).hasSize(1);
    senderTasks.get(0).run();
    assertThat(made).as("sent by the sender").hasSize(2);
  }

  @Test
  void appendsLeftToAStoppedSenderFailAsUnavailable() {
    List<CompletableFuture<List<AppendBatcher.Stored>>> made = new ArrayList<>();
    AppendBatcher closed =
        new AppendBatcher(
            replyingLater(made),
            task -> {
              throw new java.util.concurrent.RejectedExecutionException("shut down");
            });
    closed.submit(List.of(pending("first", 1, 1)));
    made.get(0).complete(List.of(new AppendBatcher.Stored("e", 1))); // this thread is now the reply thread
    AppendBatcher.Pending late = pending("late", 1, 1);
    closed.submit(List.of(late));
    assertThat(late.done()).isCompletedExceptionally();
    assertThat(closed.queuedPushes()).isZero();
    try {
      late.done().get();
    } catch (InterruptedException | ExecutionException e) {
      assertThat(((GatewayException) e.getCause()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }
  }

  /** Script calls whose replies the test completes by hand, collected in {@code made}. */
  private static java.util.function.Function<List<AppendBatcher.Pending>, java.util.concurrent.CompletionStage<List<AppendBatcher.Stored>>>
      replyingLater(List<CompletableFuture<List<AppendBatcher.Stored>>> made) {
    return batch -> {
      CompletableFuture<List<AppendBatcher.Stored>> reply = new CompletableFuture<>();
      made.add(reply);
      return reply;
    };
  }

  private void fillInFlight() {
    for (int i = 0; i < AppendBatcher.MAX_IN_FLIGHT; i++) {
      batcher.submit(List.of(pending("busy" + i, 1, 1)));
    }
    assertThat(calls).hasSize(AppendBatcher.MAX_IN_FLIGHT);
  }
}

package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.Frames;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.SendAck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SendDedupTest {
  private long nanos = 1_000_000_000L;
  private final AtomicInteger attempts = new AtomicInteger();

  private Supplier<CompletionStage<Frame>> ack(String id) {
    return () -> {
      attempts.incrementAndGet();
      return CompletableFuture.completedFuture(
          Frame.newBuilder().setSendAck(SendAck.newBuilder().setClientMsgId(id).setMsgId("m-" + id)).build());
    };
  }

  private Frame answer(SendDedup dedup, String user, String id) {
    return dedup.once(user, id, ack(id)).toCompletableFuture().join();
  }

  @Test
  void aRetryGetsTheFirstAnswerWithoutASecondAttempt() {
    SendDedup dedup = new SendDedup(100, Duration.ofMinutes(10), () -> nanos);
    Frame first = answer(dedup, "alice", "c1");
    Frame retry = answer(dedup, "alice", "c1");
    assertThat(retry).isSameAs(first);
    assertThat(attempts).hasValue(1);
    answer(dedup, "bob", "c1");
    assertThat(attempts).as("the key is the user and the id").hasValue(2);
  }

  @Test
  void aRetryWhileTheFirstIsInFlightWaitsForIt() {
    SendDedup dedup = new SendDedup(100, Duration.ofMinutes(10), () -> nanos);
    CompletableFuture<Frame> slow = new CompletableFuture<>();
    CompletionStage<Frame> first = dedup.once("alice", "c1", () -> slow);
    CompletionStage<Frame> retry = dedup.once("alice", "c1", ack("c1"));
    assertThat(attempts).hasValue(0);
    assertThat(retry.toCompletableFuture()).isNotDone();
    Frame ack = Frame.newBuilder().setSendAck(SendAck.newBuilder().setClientMsgId("c1")).build();
    slow.complete(ack);
    assertThat(first.toCompletableFuture().join()).isSameAs(ack);
    assertThat(retry.toCompletableFuture().join()).isSameAs(ack);
  }

  @Test
  void overCapacityTheOldestSendsAreForgottenFirst() {
    SendDedup dedup = new SendDedup(10, Duration.ofMinutes(10), () -> nanos);
    for (int i = 0; i < 25; i++) {
      answer(dedup, "alice", "c" + i);
    }
    assertThat(dedup.size()).isEqualTo(10);
    attempts.set(0);
    for (int i = 15; i < 25; i++) {
      answer(dedup, "alice", "c" + i); // the latest ten: all remembered
    }
    assertThat(attempts).hasValue(0);
    answer(dedup, "alice", "c14");
    assertThat(attempts).as("older than the latest ten: handled again").hasValue(1);
    assertThat(dedup.size()).isEqualTo(10);
  }

  @Test
  void aLargeWindowIsSplitYetKeepsItsBoundAndTheLatestSends() {
    long capacity = 16 * SendDedup.MIN_STRIPE_CAPACITY; // the most stripes, a thousand answers each
    SendDedup dedup = new SendDedup(capacity, Duration.ofMinutes(10), () -> nanos);
    int sends = (int) (3 * capacity);
    for (int i = 0; i < sends; i++) {
      answer(dedup, "user" + (i % 64), "c" + i);
    }
    assertThat(dedup.size()).as("every stripe full, none over its share").isEqualTo((int) capacity);
    attempts.set(0);
    for (int i = sends - (int) capacity / 2; i < sends; i++) {
      answer(dedup, "user" + (i % 64), "c" + i); // the latest half of the window: all remembered
    }
    assertThat(attempts).hasValue(0);
    answer(dedup, "user0", "c0");
    assertThat(attempts).as("the first send left the window long ago").hasValue(1);
  }

  @Test
  void anAnswerIsKeptForTheTtlAndNoLonger() {
    SendDedup dedup = new SendDedup(100, Duration.ofSeconds(60), () -> nanos);
    answer(dedup, "alice", "old");
    nanos += TimeUnit.SECONDS.toNanos(59);
    answer(dedup, "alice", "old");
    assertThat(attempts).as("within the ttl").hasValue(1);
    nanos += TimeUnit.SECONDS.toNanos(1);
    answer(dedup, "alice", "old");
    assertThat(attempts).as("at the ttl: a new send").hasValue(2);
    answer(dedup, "alice", "old");
    assertThat(attempts).as("and that one is kept again").hasValue(2);
  }

  @Test
  void answersPastTheTtlLeaveTheWindowWhenNewSendsArrive() {
    SendDedup dedup = new SendDedup(100, Duration.ofSeconds(60), () -> nanos);
    for (int i = 0; i < 50; i++) {
      answer(dedup, "alice", "c" + i);
    }
    nanos += TimeUnit.SECONDS.toNanos(61);
    answer(dedup, "alice", "late");
    assertThat(dedup.size()).as("the 50 expired answers are dropped, not only ignored").isEqualTo(1);
  }

  @Test
  void refusalsAndFailuresAreNotRemembered() {
    SendDedup dedup = new SendDedup(100, Duration.ofMinutes(10), () -> nanos);
    Frame refused = Frames.error(ErrorCode.RATE_LIMITED, "slow down", "c1");
    assertThat(dedup.once("alice", "c1", () -> CompletableFuture.completedFuture(refused))
            .toCompletableFuture().join())
        .isSameAs(refused);
    CompletableFuture<Frame> failed =
        dedup.once("alice", "c2", () -> CompletableFuture.failedFuture(new IllegalStateException("boom")))
            .toCompletableFuture();
    assertThat(failed).isCompletedExceptionally();
    answer(dedup, "alice", "c1");
    answer(dedup, "alice", "c2");
    assertThat(attempts).as("both retried for real").hasValue(2);
  }

  @Test
  void concurrentRetriesOfTheSameSendsRunEachOnce() throws Exception {
    SendDedup dedup = new SendDedup(10_000, Duration.ofMinutes(10), System::nanoTime);
    sendFromThreads(dedup, 4, 5000);
    assertThat(attempts).hasValue(5000);
    assertThat(dedup.size()).isEqualTo(5000);
  }

  @Test
  void concurrentSendersStayWithinTheBound() throws Exception {
    SendDedup dedup = new SendDedup(100, Duration.ofMinutes(10), System::nanoTime);
    sendFromThreads(dedup, 4, 5000);
    assertThat(dedup.size()).isLessThanOrEqualTo(100);
  }

  /** Each of {@code threads} sends the same {@code ids} ids, all at once. */
  private void sendFromThreads(SendDedup dedup, int threads, int ids) throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < ids; i++) {
          answer(dedup, "alice", "c" + i);
        }
      });
      w.start();
      workers.add(w);
    }
    start.countDown();
    for (Thread w : workers) {
      w.join(TimeUnit.MINUTES.toMillis(2));
      assertThat(w.isAlive()).isFalse();
    }
  }
}

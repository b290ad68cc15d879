package io.linkgate.examples.business;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.testing.RedisServerProcess;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** On a real redis-server. */
class DeliveryLedgerTest {
  private static RedisServerProcess redis;
  private static DeliveryLedger ledger;
  private final AtomicInteger pushes = new AtomicInteger();

  @BeforeAll
  static void start() {
    redis = RedisServerProcess.start();
    ledger = new DeliveryLedger(redis.uri(), "lg:biz:test:", Duration.ofSeconds(30), Duration.ofMinutes(5));
  }

  @AfterAll
  static void stop() {
    ledger.close();
    redis.close();
  }

  private CompletableFuture<Object> push() {
    pushes.incrementAndGet();
    return CompletableFuture.completedFuture(null);
  }

  @Test
  void aPushIsMadeOncePerSendAndStepWhicheverEntryAsks() throws Exception {
    assertThat(ledger.once("alice", "c-1", "to", "1-0", this::push).toCompletableFuture().get()).isTrue();
    assertThat(ledger.once("alice", "c-1", "to", "1-0", this::push).toCompletableFuture().get()).isFalse();
    assertThat(ledger.once("alice", "c-1", "to", "7-0", this::push).toCompletableFuture().get())
        .as("a second stream entry of the same send").isFalse();
    assertThat(ledger.once("alice", "c-1", "copy", "1-0", this::push).toCompletableFuture().get()).as("another step").isTrue();
    assertThat(ledger.once("bob", "c-1", "to", "1-0", this::push).toCompletableFuture().get()).as("another sender").isTrue();
    assertThat(pushes).hasValue(3);
    assertThat(Long.parseLong(redis.command("PTTL", ledger.key("alice", "c-1")).replaceFirst("^:", "")))
        .as("expires").isPositive();
  }

  @Test
  void anotherEntryOfTheSendWaitsWhileTheFirstIsMakingThePushAndTheFirstsRetryMayTakeOver() throws Exception {
    CompletableFuture<Object> slow = new CompletableFuture<>();
    CompletableFuture<Boolean> first = ledger.once("carol", "c-2", "to", "1-0", () -> slow).toCompletableFuture();
    assertThatThrownBy(() -> ledger.once("carol", "c-2", "to", "2-0", this::push).toCompletableFuture().get())
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(DeliveryLedger.Busy.class);
    slow.completeExceptionally(new IllegalStateException("redis blinked"));
    assertThatThrownBy(first::get).hasRootCauseMessage("redis blinked");
    // The failed entry is handed out again: its own retry is not blocked by its claim.
    assertThat(ledger.once("carol", "c-2", "to", "1-0", this::push).toCompletableFuture().get()).isTrue();
    assertThat(pushes).hasValue(1);
  }

  @Test
  void aPushThatFailedIsNotMarkedMadeSoItIsMadeLater() throws Exception {
    assertThatThrownBy(() -> ledger.once("dave", "c-3", "to", "1-0",
            () -> CompletableFuture.failedFuture(new IllegalStateException("unavailable"))).toCompletableFuture().get())
        .hasRootCauseMessage("unavailable");
    assertThat(ledger.once("dave", "c-3", "to", "1-0", this::push).toCompletableFuture().get()).isTrue();
    assertThat(pushes).hasValue(1);
  }

  @Test
  void keysCarryTheSendersHashTag() {
    assertThat(ledger.key("alice", "c-9")).isEqualTo("lg:biz:test:{u:alice}:c-9");
  }
}

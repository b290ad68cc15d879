package io.linkgate.transport.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.netty.shaded.io.netty.channel.DefaultEventLoop;
import io.grpc.netty.shaded.io.netty.util.concurrent.EventExecutor;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One loop's call deadlines: each fires once its time is up, unless its call ended first. */
class CallDeadlinesTest {
  private static final long TIMEOUT_MS = 200;

  private final EventExecutor loop = new DefaultEventLoop();
  private final CallDeadlines deadlines =
      new CallDeadlines(loop, TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS));
  private final List<String> expired = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private <T> T onLoop(Callable<T> task) throws Exception {
    return loop.submit(task).get(5, TimeUnit.SECONDS);
  }

  private CallDeadlines.Deadline start(String call) throws Exception {
    return onLoop(() -> deadlines.start(() -> expired.add(call)));
  }

  @Test
  void deadlinesFireInTheOrderTheirCallsStartedAndNotBeforeTheirTime() throws Exception {
    long started = System.nanoTime();
    start("a");
    Thread.sleep(50);
    start("b");
    start("c");
    waitFor(3);
    assertThat(expired).containsExactly("a", "b", "c");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(TIMEOUT_MS + 50 - 5);
    assertThat(onLoop(deadlines::size)).isZero();
  }

  @Test
  void aCancelledDeadlineNeverFiresAndTheOthersStillDo() throws Exception {
    start("a");
    CallDeadlines.Deadline b = start("b");
    CallDeadlines.Deadline c = start("c");
    start("d");
    onLoop(
        () -> {
          b.cancel();
          b.cancel(); // twice is harmless
          c.cancel();
          return null;
        });
    assertThat(onLoop(deadlines::size)).isEqualTo(2);
    waitFor(2);
    Thread.sleep(TIMEOUT_MS);
    assertThat(expired).containsExactly("a", "d");
  }

  @Test
  void aLaterCallWaitsItsWholeTimeoutWhenTheOldestEndedEarly() throws Exception {
    CallDeadlines.Deadline first = start("first");
    Thread.sleep(TIMEOUT_MS / 2);
    long laterStarted = System.nanoTime();
    start("later");
    onLoop(
        () -> {
          first.cancel();
          return null;
        });
    waitFor(1);
    assertThat(expired).containsExactly("later");
    // The loop's one wake-up was set for the first call: it must sleep again for what is left.
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - laterStarted))
        .isGreaterThanOrEqualTo(TIMEOUT_MS - 5);
  }

  @Test
  void aCallStartedAfterTheQueueEmptiedGetsAWakeUpOfItsOwn() throws Exception {
    start("a");
    waitFor(1);
    start("b");
    waitFor(2);
    assertThat(expired).containsExactly("a", "b");
  }

  private void waitFor(int count) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (expired.size() < count && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    assertThat(expired).hasSizeGreaterThanOrEqualTo(count);
  }
}

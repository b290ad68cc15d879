package io.linkgate.router;

import static io.linkgate.router.Fixtures.connect;
import static io.linkgate.router.Fixtures.join;
import static io.linkgate.router.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.proto.Push;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.router.internal.InMemoryRouterStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Concurrent appenders and a gap fill, the interleaving driven step by step rather than left to the
 * scheduler.
 *
 * <p>The interleaving that told devices which read everything to resync: appender A has seq 1 and
 * has not offered it yet; appender B takes seq 2, finds the gap and starts a fill; before that fill
 * reads the inbox, a third appender pushes more than the inbox holds. Its pushes, offered while the
 * sessions were marked filling, were dropped, and the fill, reading after seq 0, found seq 1
 * evicted.
 */
class GapFillRaceTest {
  private static final int CAPACITY = 8;

  @Test
  void pushesRacingAGapFillAreDeliveredNotDroppedPastTheInboxBound() throws Exception {
    GatedStore store = new GatedStore(new InMemoryRouterStore(CAPACITY, 1000, Duration.ofHours(1)));
    try (Router router = Fixtures.router().store(store).build()) {
      RecordingChannel phone = new RecordingChannel();
      RecordingChannel laptop = new RecordingChannel();
      connect(router, "bob", "phone", 0, phone);
      connect(router, "bob", "laptop", 0, laptop);
      int others = CAPACITY + 2;

      // A: seq 1 is stored; its answer, and so its delivery, waits for the gate.
      store.holdAppends();
      CompletionStage<Push> a = router.push("bob", text("a"));
      store.stopHoldingAppends();

      // C: the third appender, let loose by the fill's read, which then waits until C has pushed
      // all it had to, or is held up by a lock the reading thread holds.
      Thread c =
          new Thread(
              () -> {
                for (int i = 0; i < others; i++) {
                  join(router.push("bob", text("c" + i)));
                }
              },
              "appender-c");
      store.beforeNextRead(
          () -> {
            c.start();
            awaitDoneOrBlockedByCurrentThread(c);
          });

      // B, on this thread: seq 2 shows the gap at seq 1.
      join(router.push("bob", text("b")));
      c.join(10_000);
      assertThat(c.isAlive()).as("appender C finished").isFalse();
      store.open();
      join(a);

      long last = 2 + others;
      for (RecordingChannel device : new RecordingChannel[] {phone, laptop}) {
        assertThat(device.closedWith()).as("closed with").isNull();
        assertThat(device.seqs()).containsExactlyElementsOf(DeliveryTest.range(1, last));
      }
    }
  }

  /**
   * The same promise at the end of a handshake: pushes that raced it are owed to the session, and
   * until the handshake's thread starts that fill, others' pushes must not be dropped as if it had.
   */
  @Test
  void pushesRightAfterAHandshakeThatOwesAFillAreDeliveredNotDroppedPastTheInboxBound() {
    GatedStore store = new GatedStore(new InMemoryRouterStore(CAPACITY, 1000, Duration.ofHours(1)));
    try (Router router = Fixtures.router().store(store).build()) {
      store.holdNextRead();
      RecordingChannel phone = new RecordingChannel();
      CompletionStage<DownlinkSession> opening =
          router.openDownlink(Fixtures.downHello("bob", "phone", 0), Fixtures.DOWN, phone);
      // The handshake has read the empty inbox; seq 1 lands while it waits for the answer.
      join(router.push("bob", text("during")));
      int others = CAPACITY + 2;
      // Runs on the handshake's thread as it hands the session over, before it starts the fill.
      CompletionStage<Void> pushed =
          opening.thenRun(
              () -> {
                for (int i = 0; i < others; i++) {
                  join(router.push("bob", text("after" + i)));
                }
              });
      store.open();
      join(pushed);

      assertThat(phone.closedWith()).as("closed with").isNull();
      assertThat(phone.seqs()).containsExactlyElementsOf(DeliveryTest.range(1, 1 + others));
    }
  }

  /**
   * Waits until {@code t} has ended, or is blocked entering a monitor the calling thread owns:
   * either way it does nothing more until the caller moves on.
   */
  private static void awaitDoneOrBlockedByCurrentThread(Thread t) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long me = Thread.currentThread().getId();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (t.getState() == Thread.State.TERMINATED) {
        return;
      }
      ThreadInfo info = threads.getThreadInfo(t.getId());
      if (info != null
          && info.getThreadState() == Thread.State.BLOCKED
          && info.getLockOwnerId() == me) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError(t.getName() + " neither finished nor blocked on this thread's lock");
  }
}

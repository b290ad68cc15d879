package io.linkgate.router;

import static io.linkgate.router.Fixtures.connect;
import static io.linkgate.router.Fixtures.join;
import static io.linkgate.router.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.transport.DownlinkSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.linkgate.router.store.RouterStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void pushesFromManyThreadsReachEveryDeviceInSeqOrderWithoutGaps() throws Exception {
    try (Router router = Fixtures.router().inboxCapacity(5_000).build()) {
      RecordingChannel d1 = new RecordingChannel();
      RecordingChannel d2 = new RecordingChannel();
      connect(router, "bob", "d1", 0, d1);
      connect(router, "bob", "d2", 0, d2);
      int threads = 4;
      int each = 500;
      runPushers(router, "bob", threads, each).get(30, TimeUnit.SECONDS);
      List<Long> expected = DeliveryTest.range(1, threads * each);
      await().atMost(WAIT).untilAsserted(() -> assertThat(d1.seqs()).containsExactlyElementsOf(expected));
      await().atMost(WAIT).untilAsserted(() -> assertThat(d2.seqs()).containsExactlyElementsOf(expected));
    }
  }

  @Test
  void reconnectsRacingPushesLoseNothingAndDuplicateNothing() throws Exception {
    int total = 3_000;
    try (Router router = Fixtures.router().inboxCapacity(total).build()) {
      List<RecordingChannel> channels = new ArrayList<>();
      List<Long> resumes = new ArrayList<>();
      RecordingChannel current = new RecordingChannel();
      DownlinkSession session = connect(router, "bob", "phone", 0, current);
      channels.add(current);
      resumes.add(0L);

      CompletableFuture<Void> pushing = runPushers(router, "bob", 2, total / 2);
      for (int i = 0; i < 40 && !pushing.isDone(); i++) {
        long resume = lastSeq(current, resumes.get(resumes.size() - 1));
        if (i % 2 == 0) {
          session.onClosed(); // the connection dropped, then the device comes back
        } // else: the device reconnects while the old connection is still open (replacement)
        RecordingChannel next = new RecordingChannel();
        DownlinkSession nextSession = connect(router, "bob", "phone", resume, next);
        if (i % 2 == 1) {
          session.onClosed(); // the transport reports the replaced connection gone
        }
        session = nextSession;
        current = next;
        channels.add(next);
        resumes.add(resume);
      }
      pushing.get(30, TimeUnit.SECONDS);
      RecordingChannel last = current;
      long lastResume = resumes.get(resumes.size() - 1);
      await().atMost(WAIT).untilAsserted(() -> assertThat(lastSeq(last, lastResume)).isEqualTo(total));

      for (int i = 0; i < channels.size(); i++) {
        RecordingChannel ch = channels.get(i);
        long resume = resumes.get(i);
        assertThat(ch.frames().get(0).hasWelcome()).as("channel %d starts with Welcome", i).isTrue();
        assertThat(ch.welcome().getResumed()).isTrue();
        List<Long> seqs = ch.seqs();
        // Exactly the seqs after the resume point, each once, in order.
        assertThat(seqs).as("channel %d after %d", i, resume)
            .containsExactlyElementsOf(DeliveryTest.range(resume + 1, resume + seqs.size()));
      }
      assertThat(router.localDownlinkCount()).isEqualTo(1);
    }
  }

  @Test
  void aChannelThatClosesInsideSendCleansUpWithoutDeadlock() throws Exception {
    try (Router router = Fixtures.router().build()) {
      AtomicReference<DownlinkSession> ref = new AtomicReference<>();
      // Refuses its third frame and reports itself closed right there, on the pushing thread.
      RecordingChannel inner = new RecordingChannel(2);
      var reentrant = new io.linkgate.api.transport.DownlinkChannel() {
        @Override
        public boolean send(EncodedFrame frame) {
          boolean ok = inner.send(frame);
          if (!ok && ref.get() != null) {
            ref.get().onClosed();
          }
          return ok;
        }

        @Override
        public void close(Frame lastFrame) {
          inner.close(lastFrame);
        }

        @Override
        public boolean isOpen() {
          return inner.isOpen();
        }
      };
      RecordingChannel other = new RecordingChannel();
      ref.set(join(router.openDownlink(Fixtures.downHello("bob", "d1", 0), Fixtures.DOWN, reentrant)));
      connect(router, "bob", "d2", 0, other);
      CompletableFuture<Void> pushing = runPushers(router, "bob", 2, 100);
      pushing.get(30, TimeUnit.SECONDS);
      await().atMost(WAIT).untilAsserted(() -> assertThat(other.seqs()).hasSize(200));
      assertThat(other.seqs()).containsExactlyElementsOf(DeliveryTest.range(1, 200));
      assertThat(router.localDownlinkCount()).isEqualTo(1);
      assertThat(inner.seqs()).containsExactly(1L);
    }
  }

  @Test
  void pushesLandingDuringASlowHandshakeFollowTheWelcomeAndReplay() {
    GatedStore store = new GatedStore(RouterStore.inMemory(100, 1000, Duration.ofHours(1)));
    try (Router router = Fixtures.router().store(store).build()) {
      join(router.push("bob", text("before")));
      store.holdNextRead();
      RecordingChannel ch = new RecordingChannel();
      CompletionStage<DownlinkSession> opening =
          router.openDownlink(Fixtures.downHello("bob", "d1", 0), Fixtures.DOWN, ch);
      // The inbox was read (seq 1 only); these land while the handshake waits for the answer.
      join(router.push("bob", text("during-1")));
      join(router.push("bob", text("during-2")));
      assertThat(ch.frames()).isEmpty();
      store.open();
      join(opening);
      assertThat(ch.welcome().getLastSeq()).isEqualTo(1);
      assertThat(ch.seqs()).containsExactly(1L, 2L, 3L);
      join(router.push("bob", text("after")));
      assertThat(ch.seqs()).containsExactly(1L, 2L, 3L, 4L);
    }
  }

  /** The seq a device holds after {@code ch}: its last push, or {@code resume} if it got none. */
  private static long lastSeq(RecordingChannel ch, long resume) {
    List<Long> seqs = ch.seqs();
    return seqs.isEmpty() ? resume : seqs.get(seqs.size() - 1);
  }

  private static CompletableFuture<Void> runPushers(Router router, String user, int threads, int each) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      all.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < each; i++) {
                  join(router.push(user, text("p" + i)));
                }
              },
              pool));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .whenComplete((v, e) -> pool.shutdown());
  }
}

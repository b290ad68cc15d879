package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import io.linkgate.router.store.Inboxes.Appended;
import io.linkgate.router.store.Inboxes.Slice;
import io.linkgate.router.store.PendingPush;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What readAfter returns must be exactly what was appended, at the bound and past it. */
class InMemoryInboxesTest {
  private static final Duration IDLE = Duration.ofMinutes(10);

  private static Push.Builder push(int i) {
    Push.Builder b =
        Push.newBuilder()
            .setMsgId("m" + i)
            .setFrom("from-" + i)
            .setTo("alice")
            .setPayload(ByteString.copyFrom(new byte[] {(byte) i, 0, (byte) -i}))
            .setServerTimeMs(1_700_000_000_000L + i);
    if (i % 3 == 0) {
      b.putHeaders("k" + i, "v" + i).putHeaders("kind", "chat");
    }
    return b;
  }

  private static Slice read(InMemoryInboxes inboxes, long after) {
    return inboxes.readAfter("alice", after).toCompletableFuture().join();
  }

  /** Appends pushes 1..n, alternating single appends and batches, and returns them as built. */
  private static List<Push> appendSome(InMemoryInboxes inboxes, int n) {
    List<Push> built = new ArrayList<>();
    int i = 1;
    while (i <= n) {
      if (i % 4 == 0 && i + 2 <= n) {
        List<Push.Builder> batch = List.of(push(i), push(i + 1), push(i + 2));
        for (Appended a : inboxes.appendAll("alice", batch).toCompletableFuture().join()) {
          built.add(a.push());
        }
        i += 3;
      } else {
        built.add(inboxes.append("alice", push(i)).toCompletableFuture().join().push());
        i++;
      }
    }
    return built;
  }

  @Test
  void readAfterReturnsTheAppendedPushesFieldByFieldAcrossWrapAround() {
    InMemoryInboxes inboxes = new InMemoryInboxes(5, 100, IDLE);
    List<Push> built = appendSome(inboxes, 13);
    for (int i = 0; i < built.size(); i++) {
      assertThat(built.get(i).getSeq()).isEqualTo(i + 1);
      assertThat(built.get(i).getMsgId()).isEqualTo("m" + (i + 1));
    }

    Slice all = read(inboxes, 0);
    assertThat(all.pushes()).containsExactlyElementsOf(built.subList(8, 13));
    assertThat(all.complete()).isFalse();
    assertThat(all.lastSeq()).isEqualTo(13);

    Slice fromOldest = read(inboxes, 8);
    assertThat(fromOldest.pushes()).containsExactlyElementsOf(built.subList(8, 13));
    assertThat(fromOldest.complete()).isTrue();

    Slice tail = read(inboxes, 10);
    assertThat(tail.pushes()).containsExactlyElementsOf(built.subList(10, 13));
    assertThat(tail.pushes().get(1).getHeadersMap()).containsEntry("k12", "v12");
    assertThat(tail.complete()).isTrue();

    Slice upToDate = read(inboxes, 13);
    assertThat(upToDate.pushes()).isEmpty();
    assertThat(upToDate.complete()).isTrue();

    Slice beyond = read(inboxes, 14);
    assertThat(beyond.pushes()).isEmpty();
    assertThat(beyond.complete()).isFalse();
    assertThat(beyond.epoch()).isEqualTo(all.epoch());
  }

  @Test
  void inboxBelowItsBoundKeepsEveryPushWhileItGrows() {
    InMemoryInboxes inboxes = new InMemoryInboxes(100, 100, IDLE);
    assertThat(read(inboxes, 0).pushes()).isEmpty();
    assertThat(read(inboxes, 0).complete()).isTrue();

    List<Push> built = appendSome(inboxes, 37);
    Slice all = read(inboxes, 0);
    assertThat(all.pushes()).containsExactlyElementsOf(built);
    assertThat(all.complete()).isTrue();
    assertThat(read(inboxes, 30).pushes()).containsExactlyElementsOf(built.subList(30, 37));
  }

  @Test
  void evictedUserStartsANewEpochFromSeqOne() {
    InMemoryInboxes inboxes = new InMemoryInboxes(5, 100, IDLE);
    appendSome(inboxes, 7);
    String before = read(inboxes, 0).epoch();

    inboxes.evict("alice");
    Appended first = inboxes.append("alice", push(1)).toCompletableFuture().join();

    assertThat(first.push().getSeq()).isEqualTo(1);
    assertThat(first.epoch()).isNotEqualTo(before);
    assertThat(read(inboxes, 0).pushes()).containsExactly(first.push());
  }

  // ---- the byte ring under the inbox ----

  /** Blocks of 16 bytes in slabs of 256: every frame spans blocks, and slabs come and go. */
  private static SlabPool tinyPool() {
    return new SlabPool(16, 256, Runnable::run); // growth ahead of need, inline
  }

  /** Inboxes of 10 pushes whose idle time runs on {@code now} (nanoseconds). */
  private static InMemoryInboxes onClock(Duration idle, AtomicLong now) {
    return new InMemoryInboxes(10, 100, idle, now::get, tinyPool());
  }

  private static InMemoryInboxes inboxes(int capacity, SlabPool pool) {
    return new InMemoryInboxes(capacity, 100, IDLE, System::nanoTime, pool);
  }

  /** A push of {@code payloadBytes} random bytes, with everything a push can carry set or not. */
  private static Push.Builder randomPush(Random random, int i, int payloadBytes) {
    byte[] payload = new byte[payloadBytes];
    random.nextBytes(payload);
    Push.Builder b =
        Push.newBuilder()
            .setMsgId(i % 5 == 0 ? "" : "m-" + i + "-\u00e9\u4e2d")
            .setFrom(i % 7 == 0 ? "" : "user:" + random.nextInt(1000))
            .setTo("user:alice")
            .setPayload(ByteString.copyFrom(payload))
            .setServerTimeMs(i % 3 == 0 ? 0 : random.nextLong() & Long.MAX_VALUE);
    for (int h = 0; h < i % 4; h++) {
      b.putHeaders("h" + h, h == 0 ? "" : "value-" + random.nextInt());
    }
    return b;
  }

  @Test
  void pushesOfEverySizeComeBackExactlyAsAppendedAcrossBlockBoundaries() {
    SlabPool pool = tinyPool();
    InMemoryInboxes inboxes = inboxes(50, pool);
    Random random = new Random(42);
    List<Push> built = new ArrayList<>();
    for (int i = 1; i <= 200; i++) {
      // Empty, tiny, about a block, and several kilobytes (a two-byte length prefix and more).
      int size = switch (i % 4) { case 0 -> 0; case 1 -> random.nextInt(8); case 2 -> 10 + random.nextInt(30);
        default -> 200 + random.nextInt(5000); };
      built.add(inboxes.append("alice", randomPush(random, i, size)).toCompletableFuture().join().push());
    }

    Slice all = read(inboxes, 0);
    assertThat(all.pushes()).containsExactlyElementsOf(built.subList(150, 200));
    for (int i = 0; i < 50; i++) {
      Push got = all.pushes().get(i);
      Push want = built.get(150 + i);
      assertThat(got.toByteString()).isEqualTo(want.toByteString());
      assertThat(got.getHeadersMap()).isEqualTo(want.getHeadersMap());
    }
  }

  @Test
  void aResumeFromAnySeqGetsExactlyWhatFollowsIt() {
    InMemoryInboxes inboxes = inboxes(20, tinyPool());
    Random random = new Random(7);
    List<Push> built = new ArrayList<>();
    for (int i = 1; i <= 45; i++) {
      built.add(inboxes.append("alice", randomPush(random, i, random.nextInt(100))).toCompletableFuture().join().push());
    }
    // Held: seqs 26..45.
    for (long after = 0; after <= 46; after++) {
      Slice slice = read(inboxes, after);
      assertThat(slice.lastSeq()).isEqualTo(45);
      if (after > 45) {
        assertThat(slice.pushes()).isEmpty();
        assertThat(slice.complete()).isFalse();
        continue;
      }
      int from = (int) Math.max(after, 25);
      assertThat(slice.pushes()).as("after %d", after).containsExactlyElementsOf(built.subList(from, 45));
      assertThat(slice.complete()).as("after %d", after).isEqualTo(after >= 25);
    }
  }

  @Test
  void theOldestPushesGoFirstAndTheirBlocksGoBackToThePool() {
    SlabPool pool = tinyPool();
    InMemoryInboxes inboxes = inboxes(4, pool);
    List<Push> built = new ArrayList<>();
    Random random = new Random(3);
    for (int i = 1; i <= 4; i++) {
      built.add(inboxes.append("alice", randomPush(random, i, 40)).toCompletableFuture().join().push());
    }
    int full = pool.blocksInUse();
    for (int i = 5; i <= 6; i++) {
      built.add(inboxes.append("alice", randomPush(random, i, 40)).toCompletableFuture().join().push());
    }
    assertThat(read(inboxes, 0).pushes()).containsExactlyElementsOf(built.subList(2, 6));
    // Two dropped, two added, of the same sizes give or take a few bytes: about the same blocks.
    assertThat(pool.blocksInUse()).isBetween(full - 1, full + 1);
    assertThat(inboxes.blocksHeld("alice")).isEqualTo(pool.blocksInUse());
  }

  @Test
  void aUsersMemoryStaysWithinCapacityTimesFrameSizeHoweverManyPushesCome() {
    SlabPool pool = new SlabPool(512, 64 * 1024, Runnable::run);
    InMemoryInboxes inboxes = inboxes(100, pool);
    Random random = new Random(11);
    int frameBytes = 0;
    for (int i = 1; i <= 10_000; i++) {
      Appended a = inboxes.append("alice", randomPush(random, 1, 64)).toCompletableFuture().join();
      frameBytes = Math.max(frameBytes, a.frame().size());
    }
    int bound = (100 * frameBytes + 511) / 512 + 1; // a partly used block at each end
    assertThat(inboxes.blocksHeld("alice")).isPositive().isLessThanOrEqualTo(bound);
    assertThat(pool.blocksInUse()).isEqualTo(inboxes.blocksHeld("alice"));
    assertThat(pool.slabCount()).isEqualTo(1);
    assertThat(read(inboxes, 0).pushes()).hasSize(100);
  }

  @Test
  void aBatchOfPendingPushesTakesConsecutiveSeqsAndStoresTheirFrames() {
    InMemoryInboxes inboxes = inboxes(10, tinyPool());
    inboxes.append("alice", push(1)).toCompletableFuture().join();
    List<PendingPush> batch = List.of(PendingPush.of(push(2)), PendingPush.of(push(3)), PendingPush.of(push(4)));
    List<Appended> appended = inboxes.appendAllPending("alice", batch).toCompletableFuture().join();
    for (int i = 0; i < batch.size(); i++) {
      assertThat(appended.get(i).seq()).isEqualTo(i + 2);
      assertThat(appended.get(i).frame().bytes()).isEqualTo(batch.get(i).frame(i + 2));
    }
    assertThat(read(inboxes, 0).pushes()).extracting(Push::getSeq).containsExactly(1L, 2L, 3L, 4L);
    assertThat(read(inboxes, 1).pushes().get(0)).isEqualTo(push(2).setSeq(2).build());
  }

  @Test
  void theStoredFrameIsThePushAsItGoesOnTheWire() {
    InMemoryInboxes inboxes = inboxes(10, tinyPool());
    Appended a = inboxes.append("alice", randomPush(new Random(1), 3, 300)).toCompletableFuture().join();
    assertThat(a.frame().frame()).isEqualTo(Frame.newBuilder().setPush(a.push()).build());
    assertThat(a.frame().bytes()).isEqualTo(FrameCodec.encode(Frame.newBuilder().setPush(a.push()).build()));
    long stamp = 123_456_789L;
    assertThat(a.frame().acceptedAt(stamp).bytes()).isSameAs(a.frame().bytes());
    assertThat(a.frame().acceptedAt(stamp).acceptedNanos()).isEqualTo(stamp);
  }

  @Test
  void aUserIdlePastTheTtlIsDroppedWithItsBlocksAndComesBackInANewEpoch() {
    AtomicLong now = new AtomicLong();
    SlabPool pool = tinyPool();
    InMemoryInboxes inboxes = new InMemoryInboxes(10, 100, Duration.ofMinutes(5), now::get, pool);
    Random random = new Random(5);
    for (int i = 1; i <= 8; i++) {
      inboxes.append("alice", randomPush(random, i, 50));
    }
    inboxes.append("bob", randomPush(random, 1, 50));
    String epoch = read(inboxes, 0).epoch();
    int bobs = inboxes.blocksHeld("bob");

    now.addAndGet(Duration.ofMinutes(4).toNanos());
    inboxes.append("bob", randomPush(random, 2, 50)); // bob stays active, alice does not
    now.addAndGet(Duration.ofMinutes(2).toNanos());
    inboxes.cleanUp();

    assertThat(inboxes.blocksHeld("alice")).isEqualTo(-1);
    assertThat(pool.blocksInUse()).isEqualTo(inboxes.blocksHeld("bob")).isGreaterThanOrEqualTo(bobs);
    Slice after = read(inboxes, 8);
    assertThat(after.epoch()).isNotEqualTo(epoch);
    assertThat(after.lastSeq()).isZero();
    assertThat(after.complete()).isFalse();
  }

  @Test
  void usersPastMaxUsersAreDroppedWithTheirBlocks() {
    SlabPool pool = tinyPool();
    InMemoryInboxes inboxes = new InMemoryInboxes(10, 5, IDLE, System::nanoTime, pool);
    Random random = new Random(9);
    for (int u = 0; u < 200; u++) {
      for (int i = 1; i <= 3; i++) {
        inboxes.append("user" + u, randomPush(random, i, 30));
      }
    }
    inboxes.cleanUp();
    long held = 0;
    for (int u = 0; u < 200; u++) {
      held += Math.max(0, inboxes.blocksHeld("user" + u));
    }
    assertThat(inboxes.userCount().getAsLong()).isLessThanOrEqualTo(5);
    assertThat(pool.blocksInUse()).isEqualTo(held);
  }

  @Test
  void concurrentPushesAndEvictionsGiveConsecutiveSeqsAndLeakNoBlock() throws Exception {
    SlabPool pool = tinyPool();
    InMemoryInboxes inboxes = inboxes(16, pool);
    int threads = 4;
    int perThread = 3_000;
    ExecutorService exec = Executors.newFixedThreadPool(threads + 1);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<List<Long>>> seqsOfCarol = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        seqsOfCarol.add(exec.submit(() -> {
          start.await();
          Random random = new Random(id);
          List<Long> seqs = new ArrayList<>();
          for (int i = 1; i <= perThread; i++) {
            inboxes.append("user" + random.nextInt(8), randomPush(random, i, random.nextInt(60)));
            seqs.add(inboxes.append("carol", randomPush(random, i, 20)).toCompletableFuture().join().push().getSeq());
            if (i % 50 == 0) {
              read(inboxes, 0);
            }
          }
          return seqs;
        }));
      }
      Future<?> evictor = exec.submit(() -> {
        start.await();
        Random random = new Random(99);
        for (int i = 0; i < 2_000; i++) {
          inboxes.evict("user" + random.nextInt(8));
          Thread.yield();
        }
        return null;
      });
      start.countDown();
      List<Long> all = new ArrayList<>();
      for (Future<List<Long>> f : seqsOfCarol) {
        all.addAll(f.get(2, TimeUnit.MINUTES));
      }
      evictor.get(2, TimeUnit.MINUTES);
      all.sort(null);
      for (int i = 0; i < all.size(); i++) {
        assertThat(all.get(i)).isEqualTo(i + 1L);
      }
      Slice carol = inboxes.readAfter("carol", 0).toCompletableFuture().join();
      assertThat(carol.pushes()).hasSize(16);
      for (int i = 0; i < 16; i++) {
        assertThat(carol.pushes().get(i).getSeq()).isEqualTo(all.size() - 15 + i);
      }
    } finally {
      exec.shutdownNow();
    }
    for (int u = 0; u < 8; u++) {
      inboxes.evict("user" + u);
    }
    inboxes.evict("carol");
    inboxes.evict("alice"); // read now and then above
    assertThat(pool.blocksInUse()).isZero();
    assertThat(inboxes.mapState()).as("no lookup outlived its eviction").isEqualTo("0 mapped, 0 released");
  }

  @Test
  void aUserInUseIsKeptHoweverLongThoughTheCacheHearsOfItOnlyNowAndThen() {
    AtomicLong now = new AtomicLong();
    InMemoryInboxes inboxes = onClock(Duration.ofMinutes(5), now);
    Random random = new Random(7);
    inboxes.append("alice", randomPush(random, 1, 50));
    String epoch = read(inboxes, 0).epoch();
    for (int i = 2; i <= 40; i++) { // a push every 30 s for 20 minutes
      now.addAndGet(Duration.ofSeconds(30).toNanos());
      inboxes.append("alice", randomPush(random, i, 50));
      inboxes.cleanUp();
    }
    Slice slice = read(inboxes, 0);
    assertThat(slice.epoch()).isEqualTo(epoch);
    assertThat(slice.lastSeq()).isEqualTo(40);
  }

  @Test
  void anIdleUserIsDroppedWithinAnEighthPastTheIdleTime() {
    AtomicLong now = new AtomicLong();
    InMemoryInboxes inboxes = onClock(Duration.ofMinutes(8), now);
    Random random = new Random(8);
    inboxes.append("alice", randomPush(random, 1, 50));
    inboxes.append("bob", randomPush(random, 1, 50));
    now.addAndGet(Duration.ofMinutes(2).toNanos());
    inboxes.append("bob", randomPush(random, 2, 50)); // bob's last use at 2 min, alice's at 0

    // Counted, not looked up: a lookup is a use.
    now.set(Duration.ofMinutes(8).toNanos() - 1);
    inboxes.cleanUp();
    assertThat(inboxes.userCount()).as("not yet idle for 8 minutes").hasValue(2);

    now.set(Duration.ofMinutes(9).toNanos() + 1);
    inboxes.cleanUp();
    assertThat(inboxes.userCount()).as("alice idle past 8 minutes and an eighth").hasValue(1);
    assertThat(inboxes.blocksHeld("alice")).isEqualTo(-1);
    assertThat(inboxes.blocksHeld("bob")).isNotEqualTo(-1);
    assertThat(read(inboxes, 0).lastSeq()).as("alice again: a new inbox").isZero();
  }
}

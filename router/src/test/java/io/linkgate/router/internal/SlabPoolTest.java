package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Blocks come lowest first, slabs are made ahead of need, and they are dropped once empty. */
class SlabPoolTest {
  /**
   * Four blocks of 16 bytes per slab; a grower that drops its tasks, so that each growth is the
   * taking thread's, as when the grower falls behind.
   */
  private final SlabPool pool = new SlabPool(16, 64, task -> {});

  @Test
  void handsOutTheLowestFreeBlockAndAddsASlabOnlyWhenNoneIsFree() {
    List<Integer> taken = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      taken.add(pool.allocate());
    }
    assertThat(taken).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(pool.slabCount()).isEqualTo(2);

    pool.free(1);
    pool.free(4);
    assertThat(pool.allocate()).isEqualTo(1);
    assertThat(pool.allocate()).isEqualTo(4);
    assertThat(pool.allocate()).isEqualTo(6);
    assertThat(pool.blocksInUse()).isEqualTo(7);
  }

  @Test
  void sizesThatAreNotPowersOfTwoAreRefused() {
    assertThatThrownBy(() -> new SlabPool(24, 96, task -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("powers of two");
    assertThatThrownBy(() -> new SlabPool(16, 80, task -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("powers of two");
  }

  @Test
  void aBlockIsFoundInItsOwnSlabAtItsOwnOffset() {
    SlabPool pool = new SlabPool(16, 64, task -> {});
    for (int i = 0; i < 9; i++) {
      pool.allocate();
    }
    assertThat(pool.slabCount()).isEqualTo(3);
    for (int block = 0; block < 9; block++) {
      pool.slab(block).put(pool.offset(block), (byte) block);
    }
    // blocks 0-3 in the first slab, 4-7 the second, 8 the third; 16 bytes apart within each
    assertThat(pool.offset(6)).isEqualTo(32);
    assertThat(pool.slab(6)).isSameAs(pool.slab(4)).isNotSameAs(pool.slab(3));
    for (int block = 0; block < 9; block++) {
      assertThat(pool.slab(block).get(pool.offset(block))).isEqualTo((byte) block);
    }
  }

  @Test
  void blocksMayBeKeptForReuseBelowTheTopSlabOrAllOfALoneOne() {
    pool.allocate();
    assertThat(pool.mayKeep(3)).as("the only slab is never dropped").isTrue();
    for (int i = 0; i < 4; i++) {
      pool.allocate(); // a second slab
    }
    assertThat(pool.mayKeep(3)).isTrue();
    assertThat(pool.mayKeep(4)).as("in the top slab, which empties to be dropped").isFalse();
  }

  @Test
  void blocksOfOneSlabShareItsBufferAtTheirOwnOffsets() {
    int a = pool.allocate();
    int b = pool.allocate();
    assertThat(pool.slab(a)).isSameAs(pool.slab(b));
    assertThat(pool.slab(a).capacity()).isEqualTo(64);
    assertThat(pool.offset(a)).isEqualTo(0);
    assertThat(pool.offset(b)).isEqualTo(16);
  }

  @Test
  void anEmptyTopSlabIsDroppedOnceThreeQuartersOfASlabAreFreeBelowIt() {
    for (int i = 0; i < 12; i++) {
      pool.allocate(); // three slabs, full
    }
    for (int block = 8; block < 12; block++) {
      pool.free(block);
    }
    // The top slab is empty but nothing else is free: kept, so a block at the border does not
    // allocate a slab each time it comes and goes.
    assertThat(pool.slabCount()).isEqualTo(3);

    pool.free(0);
    pool.free(1);
    assertThat(pool.slabCount()).as("half a slab free below: the next growth plus").isEqualTo(3);
    pool.free(2);
    assertThat(pool.slabCount()).as("... the low water mark, a quarter slab").isEqualTo(2);
    assertThat(pool.blocksInUse()).isEqualTo(5);
    assertThat(pool.allocate()).isEqualTo(0);
  }

  @Test
  void growsByAQuarterOfItsSlabsAtATimeAndKeepsWhatItJustAdded() {
    List<Integer> taken = new ArrayList<>();
    for (int i = 0; i < 8 * 4; i++) {
      taken.add(pool.allocate()); // 8 slabs, one at a time while the pool is small
    }
    assertThat(pool.slabCount()).isEqualTo(8);
    taken.add(pool.allocate());
    assertThat(pool.slabCount()).as("8 + 8/4").isEqualTo(10);

    // Giving back the block that made it grow leaves the two new slabs empty: both are kept, as
    // the next growth would add them again.
    pool.free(taken.remove(taken.size() - 1));
    assertThat(pool.slabCount()).isEqualTo(10);

    // The top one goes once three slabs' worth is free below it (the next growth for the 9 left,
    // two slabs, and its low water mark, one), the next once as much is free below that.
    for (int i = 0; i < 7; i++) {
      pool.free(taken.remove(0));
    }
    assertThat(pool.slabCount()).isEqualTo(10);
    pool.free(taken.remove(0));
    assertThat(pool.slabCount()).isEqualTo(9);
    for (int i = 0; i < 3; i++) {
      pool.free(taken.remove(0));
    }
    assertThat(pool.slabCount()).isEqualTo(9);
    pool.free(taken.remove(0));
    assertThat(pool.slabCount()).isEqualTo(8);
  }

  @Test
  void aGrowthStepIsAtMostSixteenMebibytes() {
    SlabPool big = new SlabPool(512, 1 << 20, task -> {});
    int blocks = 0;
    while (big.slabCount() < 78) { // ..., 51, 63, 78 slabs of 1 MiB
      big.allocate();
      blocks++;
    }
    while (blocks < 78 * 2048) {
      big.allocate();
      blocks++;
    }
    assertThat(big.slabCount()).isEqualTo(78);
    big.allocate();
    assertThat(big.slabCount()).as("78 + min(78/4, 16)").isEqualTo(94);
  }

  @Test
  void everyBlockBackLeavesOneSlab() {
    List<Integer> taken = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      taken.add(pool.allocate());
    }
    taken.forEach(pool::free);
    assertThat(pool.blocksInUse()).isZero();
    assertThat(pool.slabCount()).isEqualTo(1);
  }

  @Test
  void aBlockFreedTwiceOrNeverTakenIsRefused() {
    int a = pool.allocate();
    pool.free(a);
    assertThatThrownBy(() -> pool.free(a)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> pool.free(99)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void growsAheadOnItsGrowerOnceFreeBlocksFallBelowHalfTheNextGrowth() {
    java.util.ArrayDeque<Runnable> tasks = new java.util.ArrayDeque<>();
    SlabPool ahead = new SlabPool(16, 64, tasks::add);
    for (int i = 0; i < 3; i++) {
      ahead.allocate();
    }
    assertThat(tasks).as("one block free, the low water mark is a quarter slab").isEmpty();
    ahead.allocate();
    assertThat(tasks).as("none free: the next growth asked for").hasSize(1);
    assertThat(ahead.slabCount()).isEqualTo(1);

    tasks.poll().run(); // the grower makes and adds the next growth, a slab
    assertThat(ahead.slabCount()).isEqualTo(2);
    assertThat(ahead.allocate()).as("taken from the slab made ahead").isEqualTo(4);
    assertThat(tasks).isEmpty();
  }

  @Test
  void aGrowthMadeAheadIsNotAddedWhenBlocksCameBackMeanwhile() {
    java.util.ArrayDeque<Runnable> tasks = new java.util.ArrayDeque<>();
    SlabPool ahead = new SlabPool(16, 64, tasks::add);
    List<Integer> taken = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      taken.add(ahead.allocate());
    }
    assertThat(tasks).as("one slab, none free").hasSize(1);
    ahead.free(taken.remove(0));
    ahead.free(taken.remove(0));
    tasks.poll().run();
    assertThat(ahead.slabCount()).isEqualTo(1);
  }

  @Test
  void theSharedGrowerMakesSlabsBeforeThePoolRunsOut() throws Exception {
    SlabPool ahead = new SlabPool();
    int perSlab = SlabPool.DEFAULT_SLAB_BYTES / SlabPool.DEFAULT_BLOCK_BYTES;
    for (int i = 0; i < perSlab - perSlab / 4 + 1; i++) {
      ahead.allocate();
    }
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (ahead.slabCount() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(ahead.slabCount()).isEqualTo(2);
  }

  @Test
  void slabsLiveOutsideTheHeap() {
    // What the inboxes hold must not grow the heap: see the class comment for why.
    assertThat(pool.slab(pool.allocate()).isDirect()).isTrue();
    SlabPool defaults = new SlabPool();
    assertThat(defaults.slab(defaults.allocate()).isDirect()).isTrue();
    assertThat(defaults.slab(0).capacity()).isEqualTo(SlabPool.DEFAULT_SLAB_BYTES);
  }
}

package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Blocks come lowest first, and slabs go back to the heap once they are empty. */
class SlabPoolTest {
  /** Four blocks of 16 bytes per slab. */
  private final SlabPool pool = new SlabPool(16, 64);

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
  void blocksOfOneSlabShareItsArrayAtTheirOwnOffsets() {
    int a = pool.allocate();
    int b = pool.allocate();
    assertThat(pool.slab(a)).isSameAs(pool.slab(b)).hasSize(64);
    assertThat(pool.offset(a)).isEqualTo(0);
    assertThat(pool.offset(b)).isEqualTo(16);
  }

  @Test
  void anEmptyTopSlabIsReleasedOnceHalfASlabIsFreeBelowIt() {
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
    assertThat(pool.slabCount()).isEqualTo(2);
    assertThat(pool.blocksInUse()).isEqualTo(6);
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

    // The top one goes once two slabs' worth (the step for the 9 left) is free below it, the next
    // once as much is free below that.
    for (int i = 0; i < 4; i++) {
      pool.free(taken.remove(0));
    }
    assertThat(pool.slabCount()).isEqualTo(9);
    for (int i = 0; i < 4; i++) {
      pool.free(taken.remove(0));
    }
    assertThat(pool.slabCount()).isEqualTo(8);
  }

  @Test
  void aGrowthStepIsAtMostSixteenMebibytes() {
    SlabPool big = new SlabPool(512, 1 << 20);
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
  void onG1ADefaultSlabIsHumongousAndFitsOneRegion() {
    var vm = java.lang.management.ManagementFactory.getPlatformMXBean(
        com.sun.management.HotSpotDiagnosticMXBean.class);
    org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue()));
    long region = Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue());
    // Humongous: more than half a region; one region: the array header fits beside it.
    assertThat((long) SlabPool.DEFAULT_SLAB_BYTES).isGreaterThan(region / 2).isLessThanOrEqualTo(region - 16);
  }
}

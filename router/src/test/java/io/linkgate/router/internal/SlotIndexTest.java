package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlotIndexTest {
  private static final int SLOTS = 16;
  private final int[] hashes = new int[SLOTS];
  private final SlotIndex index = new SlotIndex(SLOTS);

  /** Whether {@code slot} is on the probe chain of its hash, where a lookup walks. */
  private boolean findable(int slot) {
    return findable(index, hashes[slot], slot);
  }

  /** Whether {@code slot} is on the chain of {@code hash} with that hash beside it in the table. */
  private static boolean findable(SlotIndex index, int hash, int slot) {
    for (int p = index.first(hash); index.slotAt(p) >= 0; p = index.next(p)) {
      if (index.slotAt(p) == slot && index.hashAt(p) == hash) {
        return true;
      }
    }
    return false;
  }

  private void add(int slot) {
    index.add(hashes[slot], slot);
  }

  /** Indexes slots 0 to {@code n - 1} under their {@link #hashes}. */
  private void addSlotsBelow(int n) {
    for (int slot = 0; slot < n; slot++) {
      add(slot);
    }
  }

  private void remove(int slot) {
    index.remove(SlotIndex.chainHint(hashes[slot]), slot);
  }

  /** A hash whose probe chain starts at {@code position}. */
  private int hashStartingAt(int position) {
    for (int h = 0; ; h++) {
      if (index.first(h) == position) {
        return h;
      }
    }
  }

  private static int tableSize(SlotIndex index) {
    int size = 1;
    while (index.next(size - 1) != 0) {
      size++;
    }
    return size;
  }

  @Test
  void aRemovalInAChainThatWrapsPastTheEndKeepsTheRestFindable() {
    int last = tableSize(index) - 1;
    hashes[0] = hashStartingAt(last);
    hashes[1] = hashStartingAt(last);
    hashes[2] = hashStartingAt(0); // its own start is taken: it lands after slot 1
    hashes[3] = hashStartingAt(last);
    addSlotsBelow(4);
    remove(0);
    assertThat(findable(1)).isTrue();
    assertThat(findable(2)).isTrue();
    assertThat(findable(3)).isTrue();
    assertThat(findable(0)).isFalse();
    remove(1);
    assertThat(findable(2)).isTrue();
    assertThat(findable(3)).isTrue();
  }

  @Test
  void anEntryIsNotMovedBeforeTheStartOfItsChain() {
    hashes[0] = hashStartingAt(4);
    hashes[1] = hashStartingAt(5);
    hashes[2] = hashStartingAt(6);
    addSlotsBelow(3);
    remove(0); // slots 1 and 2 sit at their starts: neither may move back into the gap
    assertThat(index.slotAt(4)).isEqualTo(-1);
    assertThat(findable(1)).isTrue();
    assertThat(findable(2)).isTrue();
  }

  @Test
  void aLookupTellsKeysApartByTheHashBesideTheSlotWithoutTheRing() {
    hashes[0] = hashStartingAt(3);
    hashes[1] = hashStartingAt(3) + 1; // another hash, perhaps the same start: the same chain
    while (index.first(hashes[1]) != 3) {
      hashes[1]++;
    }
    hashes[2] = -hashes[0]; // the sign bit is kept too
    addSlotsBelow(3);
    assertThat(findable(index, hashes[1], 0)).isFalse();
    assertThat(findable(index, hashes[0], 1)).isFalse();
    for (int slot = 0; slot < 3; slot++) {
      assertThat(findable(slot)).as("slot %d", slot).isTrue();
    }
  }

  @Test
  void slotsOfEqualHashesAreRemovedOneByOne() {
    hashes[0] = hashStartingAt(5);
    hashes[1] = hashes[0];
    hashes[2] = hashes[0];
    addSlotsBelow(3);
    remove(1);
    assertThat(findable(0)).isTrue();
    assertThat(findable(1)).isFalse();
    assertThat(findable(2)).isTrue();
  }

  @Test
  void aTableHasRoomForAllItsSlotsAtAnySizeWithinItsLoad() {
    for (int slots : new int[] {1, 2, 3, 63, 64, 100, 6250, 8192}) {
      SlotIndex sized = new SlotIndex(slots);
      int size = tableSize(sized);
      assertThat(size).as("table for %d slots", slots).isGreaterThan(slots);
      assertThat((double) slots / size).as("load for %d slots", slots).isLessThanOrEqualTo(SlotIndex.MAX_LOAD);
      Random random = new Random(slots);
      int[] keyHashes = new int[slots];
      for (int slot = 0; slot < slots; slot++) {
        keyHashes[slot] = random.nextInt();
        sized.add(keyHashes[slot], slot);
      }
      for (int slot = 0; slot < slots; slot++) {
        assertThat(findable(sized, keyHashes[slot], slot)).as("slot %d of %d", slot, slots).isTrue();
      }
    }
  }

  @Test
  void inATableLargerThanTheHintsReachARemovalFindsItsEntryPastOtherChains() {
    int slots = 100_000; // 200,000 positions: a hint covers about three starts
    SlotIndex large = new SlotIndex(slots);
    Random random = new Random(11);
    int[] keyHashes = new int[slots];
    for (int slot = 0; slot < slots; slot++) {
      // Hashes of a few hints only, so that removals pass other chains' entries and gaps.
      do {
        keyHashes[slot] = random.nextInt();
      } while (SlotIndex.chainHint(keyHashes[slot]) % 512 != 0);
      large.add(keyHashes[slot], slot);
    }
    for (int slot = 0; slot < slots; slot += 2) {
      large.remove(SlotIndex.chainHint(keyHashes[slot]), slot);
    }
    for (int slot = 0; slot < slots; slot++) {
      assertThat(findable(large, keyHashes[slot], slot)).as("slot %d", slot).isEqualTo(slot % 2 == 1);
    }
  }

  @Test
  void aRenumberedIndexFindsEverySlotAtItsPlaceAfterTheTail() {
    int[] keyHashes = {hashStartingAt(2), hashStartingAt(2), -7, 12345, hashStartingAt(9)};
    for (int slot = 0; slot < keyHashes.length; slot++) {
      index.add(keyHashes[slot], slot);
    }
    index.remove(SlotIndex.chainHint(keyHashes[1]), 1); // a hole: not carried over
    // A ring of 5 slots whose tail was slot 3 moves to 40 slots: 3 -> 0, 4 -> 1, 0 -> 2, 2 -> 4.
    SlotIndex moved = index.renumbered(40, 3, 5);
    assertThat(findable(moved, keyHashes[3], 0)).isTrue();
    assertThat(findable(moved, keyHashes[4], 1)).isTrue();
    assertThat(findable(moved, keyHashes[0], 2)).isTrue();
    assertThat(findable(moved, keyHashes[2], 4)).isTrue();
    assertThat(findable(moved, keyHashes[1], 3)).isFalse();
    assertThat(tableSize(moved)).isGreaterThan(40);
  }

  @Test
  void everyIndexedSlotStaysFindableThroughManyAddsAndRemoves() {
    Random random = new Random(7);
    List<Integer> in = new ArrayList<>();
    List<Integer> out = new ArrayList<>();
    for (int slot = 0; slot < SLOTS; slot++) {
      out.add(slot);
    }
    for (int step = 0; step < 20_000; step++) {
      if (!out.isEmpty() && (in.isEmpty() || random.nextBoolean())) {
        int slot = out.remove(random.nextInt(out.size()));
        // Few hashes, some equal, some only near: long shared chains.
        hashes[slot] = random.nextInt(8) * 0x1000_0000 + random.nextInt(2);
        add(slot);
        in.add(slot);
      } else {
        int slot = in.remove(random.nextInt(in.size()));
        remove(slot);
        out.add(slot);
      }
      for (int slot : in) {
        assertThat(findable(slot)).as("slot %d at step %d", slot, step).isTrue();
      }
    }
  }
}

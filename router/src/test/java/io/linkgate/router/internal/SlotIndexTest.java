package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlotIndexTest {
  private static final int SLOTS = 16;
  private final int[] hashes = new int[SLOTS];
  private final SlotIndex index = new SlotIndex(SLOTS, hashes);

  /** Whether {@code slot} is on the probe chain of its hash, where a lookup walks. */
  private boolean findable(int slot) {
    for (int p = index.first(hashes[slot]); index.slotAt(p) >= 0; p = index.next(p)) {
      if (index.slotAt(p) == slot) {
        return true;
      }
    }
    return false;
  }

  /** A hash whose probe chain starts at {@code position}. */
  private int hashStartingAt(int position) {
    for (int h = 0; ; h++) {
      if (index.first(h) == position) {
        return h;
      }
    }
  }

  private int tableSize() {
    int size = 1;
    while (index.next(size - 1) != 0) {
      size++;
    }
    return size;
  }

  @Test
  void aRemovalInAChainThatWrapsPastTheEndKeepsTheRestFindable() {
    int last = tableSize() - 1;
    hashes[0] = hashStartingAt(last);
    hashes[1] = hashStartingAt(last);
    hashes[2] = hashStartingAt(0); // its own start is taken: it lands after slot 1
    hashes[3] = hashStartingAt(last);
    for (int slot = 0; slot < 4; slot++) {
      index.add(slot);
    }
    index.remove(0);
    assertThat(findable(1)).isTrue();
    assertThat(findable(2)).isTrue();
    assertThat(findable(3)).isTrue();
    assertThat(findable(0)).isFalse();
    index.remove(1);
    assertThat(findable(2)).isTrue();
    assertThat(findable(3)).isTrue();
  }

  @Test
  void anEntryIsNotMovedBeforeTheStartOfItsChain() {
    hashes[0] = hashStartingAt(4);
    hashes[1] = hashStartingAt(5);
    hashes[2] = hashStartingAt(6);
    for (int slot = 0; slot < 3; slot++) {
      index.add(slot);
    }
    index.remove(0); // slots 1 and 2 sit at their starts: neither may move back into the gap
    assertThat(index.slotAt(4)).isEqualTo(-1);
    assertThat(findable(1)).isTrue();
    assertThat(findable(2)).isTrue();
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
        hashes[slot] = random.nextInt(8) * 0x1000_0000; // few hashes: long shared chains
        index.add(slot);
        in.add(slot);
      } else {
        int slot = in.remove(random.nextInt(in.size()));
        index.remove(slot);
        out.add(slot);
      }
      for (int slot : in) {
        assertThat(findable(slot)).as("slot %d at step %d", slot, step).isTrue();
      }
    }
  }
}

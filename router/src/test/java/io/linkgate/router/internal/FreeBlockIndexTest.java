package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FreeBlockIndexTest {

  @Test
  void findsTheLowestFreeBlockAcrossWordsAndSummaryWords() {
    FreeBlockIndex index = new FreeBlockIndex();
    index.ensureCapacity(10_000);
    assertThat(index.lowest()).isEqualTo(-1);
    index.set(9_999);
    assertThat(index.lowest()).isEqualTo(9_999);
    index.set(4_100); // another summary word
    assertThat(index.lowest()).isEqualTo(4_100);
    index.set(64);
    assertThat(index.lowest()).isEqualTo(64);
    index.clear(64);
    assertThat(index.lowest()).isEqualTo(4_100);
    index.clear(4_100);
    index.clear(9_999);
    assertThat(index.lowest()).isEqualTo(-1);
  }

  @Test
  void agreesWithABitSetUnderRandomUse() {
    FreeBlockIndex index = new FreeBlockIndex();
    BitSet expected = new BitSet();
    Random random = new Random(42);
    int size = 0;
    for (int step = 0; step < 200_000; step++) {
      int op = random.nextInt(10);
      if (op == 0 && size < 300_000) {
        int grown = size + 1 + random.nextInt(5_000);
        index.ensureCapacity(grown);
        index.set(size, grown);
        expected.set(size, grown);
        size = grown;
      } else if (op < 6 && size > 0) {
        int lowest = index.lowest();
        assertThat(lowest).isEqualTo(expected.nextSetBit(0) < 0 ? -1 : expected.nextSetBit(0));
        if (lowest >= 0) {
          index.clear(lowest);
          expected.clear(lowest);
        }
      } else if (size > 0) {
        int b = random.nextInt(size);
        if (!expected.get(b)) {
          index.set(b);
          expected.set(b);
        }
      }
      if (size > 0) {
        int probe = random.nextInt(size);
        assertThat(index.get(probe)).isEqualTo(expected.get(probe));
      }
    }
    assertThat(index.lowest()).isEqualTo(expected.nextSetBit(0) < 0 ? -1 : expected.nextSetBit(0));
  }
}

package io.linkgate.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessCountersTest {
  @Test
  void minorFaultsIsTheTenthFieldAfterACommandNameWithSpacesAndParentheses() {
    String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 731 0 12 0 55 7 0 0 20 0 30 0";
    assertThat(ProcessCounters.minorFaults(stat)).isEqualTo(731);
  }

  @Test
  void minorFaultsGrowWhenThisProcessTouchesFreshMemory() {
    long before = ProcessCounters.minorFaults();
    // 64 MiB outside the heap, touched a page at a time: the kernel maps each page on first touch.
    java.nio.ByteBuffer fresh = java.nio.ByteBuffer.allocateDirect(64 << 20);
    for (int i = 0; i < fresh.capacity(); i += 4096) {
      fresh.put(i, (byte) 1);
    }
    assertThat(ProcessCounters.minorFaults() - before).isGreaterThan(8_000);
  }

  @Test
  void allocatedBytesCountWhatThisThreadAllocates() {
    long before = ProcessCounters.allocatedBytes();
    byte[][] kept = new byte[64][];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = new byte[64 * 1024];
    }
    assertThat(kept[63]).hasSize(64 * 1024);
    assertThat(ProcessCounters.allocatedBytes() - before).isGreaterThanOrEqualTo(4L << 20);
  }
}

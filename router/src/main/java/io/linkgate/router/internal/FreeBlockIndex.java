package io.linkgate.router.internal;

import java.util.Arrays;

/**
 * Which blocks of a {@link SlabPool} are free, answering "the lowest free block" without scanning
 * the blocks in use: a bit per block, and a summary bit per 64 blocks that says whether any of them
 * is free. The lowest free block is then found by reading the summary (one word per 4,096 blocks,
 * 2 MiB of 512-byte blocks) and one word of blocks.
 *
 * <p>A plain bitmap searched from a hint scanned past every block in use whenever the hint ran
 * ahead of the free ones, which once inboxes were full and turning over happened on most pushes:
 * microseconds a push on a few hundred megabytes of inboxes.
 *
 * <p>Not thread-safe: the pool guards it.
 */
final class FreeBlockIndex {
  private long[] words = new long[0];
  private long[] summary = new long[0];
  /** Every summary word below this one is 0: searches start here. */
  private int firstSummary;

  /** Makes room for blocks below {@code blocks}; new blocks are in use until {@link #set}. */
  void ensureCapacity(int blocks) {
    int needed = (blocks + 63) >>> 6;
    if (needed > words.length) {
      words = Arrays.copyOf(words, Math.max(needed, words.length * 2));
      summary = Arrays.copyOf(summary, (words.length + 63) >>> 6);
    }
  }

  boolean get(int block) {
    return (words[block >>> 6] & (1L << block)) != 0;
  }

  /** Marks {@code block} free. */
  void set(int block) {
    int w = block >>> 6;
    words[w] |= 1L << block;
    summary[w >>> 6] |= 1L << w;
    firstSummary = Math.min(firstSummary, w >>> 6);
  }

  /** Marks {@code block} in use. */
  void clear(int block) {
    int w = block >>> 6;
    long left = words[w] & ~(1L << block);
    words[w] = left;
    if (left == 0) {
      summary[w >>> 6] &= ~(1L << w);
    }
  }

  /** Marks blocks {@code [from, to)} free. */
  void set(int from, int to) {
    for (int b = from; b < to; b++) {
      set(b);
    }
  }

  /** Marks blocks {@code [from, to)} in use. */
  void clear(int from, int to) {
    for (int b = from; b < to; b++) {
      clear(b);
    }
  }

  /** The lowest free block, or -1 if none is. */
  int lowest() {
    for (int s = firstSummary; s < summary.length; s++) {
      long bits = summary[s];
      if (bits != 0) {
        firstSummary = s;
        int w = (s << 6) + Long.numberOfTrailingZeros(bits);
        return (w << 6) + Long.numberOfTrailingZeros(words[w]);
      }
    }
    firstSummary = summary.length;
    return -1;
  }
}

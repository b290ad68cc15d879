package io.linkgate.router.internal;

/**
 * Finds the slots of a ring by their keys' hashes: an open-addressing table with linear probing
 * whose entries hold the key's hash next to the slot number, at most {@link #MAX_LOAD} full. The
 * keys stay in the ring and the caller compares them along the probe chain, but only where the
 * table's hash matches: a key that is not there (every new send) costs the table's cache line and
 * no read of the ring, and one that is, the ring's slot besides.
 *
 * <p>A removal shifts the later entries of its probe chain back into the gap instead of leaving a
 * tombstone: a dedup window removes one key for every key it adds, and tombstones would fill the
 * table and lengthen every probe until a rebuild. The entries' own hashes tell where each chain
 * starts, so the removal reads nothing but the table, and the ring need keep only a 16-bit {@link
 * #chainHint} a slot to find the entry to remove.
 *
 * <p>Not thread-safe; the ring's owner guards it.
 */
final class SlotIndex {
  /**
   * The most of the table that is filled. An entry is 8 bytes, so the table costs 16 bytes a slot
   * (the 4-byte table it replaced, a quarter to a half full, cost about 10, and the ring kept a
   * 4-byte hash a slot besides, now 2). Two thirds full, as dense as the old pair, made a send
   * slower than before: a removal shifts entries to the end of its run, and the runs grow fast
   * past half full.
   */
  static final double MAX_LOAD = 1.0 / 2;
  /** 2^32 / golden ratio: spreads hashes that differ only in a few bits across the table. */
  private static final int SPREAD = 0x9E3779B9;

  /** {@code hash << 32 | slot + 1} at each position, 0 where empty. */
  private final long[] table;

  /** @param slots the most slots indexed at once */
  SlotIndex(int slots) {
    this.table = new long[(int) Math.min(Integer.MAX_VALUE - 8, (long) (slots / MAX_LOAD) + 2)];
  }

  /**
   * The top 16 bits of what places {@code hash} in the table: a ring keeps these for each slot
   * instead of the whole hash, and {@link #remove} finds the slot's entry from them.
   */
  static short chainHint(int hash) {
    return (short) ((hash * SPREAD) >>> 16);
  }

  /** Where the probe chain for {@code hash} starts. */
  int first(int hash) {
    return position(hash * SPREAD);
  }

  private int position(int spread) {
    // The top bits of the spread hash, scaled to the table: the low bits of the hash already
    // chose the stripe, and a table of any size keeps its load near the mark at every capacity.
    return (int) ((spread & 0xFFFF_FFFFL) * table.length >>> 32);
  }

  /** The position after {@code position} on a probe chain. */
  int next(int position) {
    return position + 1 < table.length ? position + 1 : 0;
  }

  /** The slot at {@code position}, or -1 where the probe chain ends. */
  int slotAt(int position) {
    return (int) table[position] - 1;
  }

  /** The hash of the slot at {@code position}. */
  int hashAt(int position) {
    return (int) (table[position] >>> 32);
  }

  void add(int hash, int slot) {
    int p = first(hash);
    while (table[p] != 0) {
      p = next(p);
    }
    table[p] = (long) hash << 32 | slot + 1;
  }

  /**
   * Removes {@code slot}, which must be indexed, under a hash of this {@link #chainHint}, keeping
   * every other slot on its probe chain.
   */
  void remove(short chainHint, int slot) {
    // The earliest start a hash of this hint has. Up to 2^16 positions that is the start; in a
    // larger table the entry is a few positions on, past entries and gaps of other chains.
    int gap = position((chainHint & 0xFFFF) << 16);
    while ((int) table[gap] != slot + 1) {
      gap = next(gap);
    }
    for (int p = next(gap); table[p] != 0; p = next(p)) {
      // The entry at p may fill the gap only if its chain starts at or before the gap; one that
      // starts after the gap would no longer be found from its start.
      if (distance(first(hashAt(p)), p) >= distance(gap, p)) {
        table[gap] = table[p];
        gap = p;
      }
    }
    table[gap] = 0;
  }

  /**
   * A new index for {@code slots} slots with every entry of this one, each slot renumbered by its
   * place after {@code tail} in a ring of {@code ringLength} slots (the ring moved to new arrays,
   * its tail first).
   */
  SlotIndex renumbered(int slots, int tail, int ringLength) {
    SlotIndex moved = new SlotIndex(slots);
    for (int p = 0; p < table.length; p++) {
      int slot = slotAt(p);
      if (slot >= 0) {
        moved.add(hashAt(p), slot >= tail ? slot - tail : slot + ringLength - tail);
      }
    }
    return moved;
  }

  /** The steps along a probe chain from {@code from} to {@code to}. */
  private int distance(int from, int to) {
    return to >= from ? to - from : to - from + table.length;
  }
}

package io.linkgate.router.internal;

/**
 * Finds the slots of a ring by their keys' hashes: an open-addressing table of slot numbers with
 * linear probing, at most half full. The keys stay in the ring; the index reads only each slot's
 * hash, from the ring's array, and the caller compares the keys along the probe chain.
 *
 * <p>A removal shifts the later entries of its probe chain back into the gap instead of leaving a
 * tombstone: a dedup window removes one key for every key it adds, and tombstones would fill the
 * table and lengthen every probe until a rebuild.
 *
 * <p>Not thread-safe; the ring's owner guards it.
 */
final class SlotIndex {
  /** 2^32 / golden ratio: spreads hashes that differ only in a few bits across the table. */
  private static final int SPREAD = 0x9E3779B9;

  /** Slot number + 1 at each position, 0 where empty. */
  private final int[] table;
  private final int mask;
  private final int shift;
  private final int[] hashes;

  /**
   * @param slots the most slots indexed at once
   * @param hashes each slot's hash, the ring's own array, read as slots are added and removed
   */
  SlotIndex(int slots, int[] hashes) {
    int size = Math.max(2, Integer.highestOneBit(Math.max(1, slots - 1)) << 2);
    this.table = new int[size];
    this.mask = size - 1;
    this.shift = Integer.numberOfLeadingZeros(size) + 1;
    this.hashes = hashes;
  }

  /** Where the probe chain for {@code hash} starts. */
  int first(int hash) {
    // The top bits of the product: the low bits of the hash already chose the stripe.
    return (hash * SPREAD) >>> shift;
  }

  /** The position after {@code position} on a probe chain. */
  int next(int position) {
    return (position + 1) & mask;
  }

  /** The slot at {@code position}, or -1 where the probe chain ends. */
  int slotAt(int position) {
    return table[position] - 1;
  }

  void add(int slot) {
    int p = first(hashes[slot]);
    while (table[p] != 0) {
      p = next(p);
    }
    table[p] = slot + 1;
  }

  /** Removes {@code slot}, which must be indexed, keeping every other slot on its probe chain. */
  void remove(int slot) {
    int gap = first(hashes[slot]);
    while (table[gap] != slot + 1) {
      gap = next(gap);
    }
    for (int p = next(gap); table[p] != 0; p = next(p)) {
      // The entry at p may fill the gap only if its chain starts at or before the gap; one that
      // starts after the gap would no longer be found from its start.
      int fromStart = (p - first(hashes[table[p] - 1])) & mask;
      if (fromStart >= ((p - gap) & mask)) {
        table[gap] = table[p];
        gap = p;
      }
    }
    table[gap] = 0;
  }
}

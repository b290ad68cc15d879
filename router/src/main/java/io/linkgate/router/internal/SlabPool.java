package io.linkgate.router.internal;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Fixed-size blocks carved out of a few large byte arrays (slabs), shared by every user's inbox.
 *
 * <p>Why: an inbox keeps every push until it is acked long after, so on a generational collector
 * each push used to survive young collections as a handful of objects, and copying them set the
 * tail latency. Here a push costs the heap nothing that survives: its bytes are copied into a block
 * of a slab that already lives in the old generation. On G1 a slab fills one heap region less a
 * block, which makes it a humongous object that young collections never copy (a smaller one would
 * be copied through the survivor spaces like any other object).
 *
 * <p>Memory follows use: the pool grows by a share of its size when it runs out; the lowest free
 * block is handed out first, so as inboxes turn over their data moves to the low slabs, and the
 * highest slab is returned to the heap once it is entirely free and as much as the next growth
 * would add is free elsewhere (so that growing and shrinking do not alternate).
 *
 * <p>Thread-safe; the blocks' contents are guarded by whoever holds the block (an inbox, under its
 * lock). A block id stays valid until it is freed.
 */
final class SlabPool {
  static final int DEFAULT_BLOCK_BYTES = 512;

  /** One G1 region less a block, or 1 MiB on other collectors. */
  static final int DEFAULT_SLAB_BYTES = slabBytesForThisHeap();

  final int blockBytes;
  private final int blocksPerSlab;

  /** Grows by copying; readers use the reference they see (a slab in use is never removed). */
  private volatile byte[][] slabs = new byte[0][];

  // Guarded by this.
  private int slabCount;
  private final FreeBlockIndex free = new FreeBlockIndex();
  private int[] freeInSlab = new int[0];
  private int freeBlocks;

  SlabPool() {
    this(DEFAULT_BLOCK_BYTES, DEFAULT_SLAB_BYTES);
  }

  SlabPool(int blockBytes, int slabBytes) {
    if (blockBytes < 16 || slabBytes < blockBytes) {
      throw new IllegalArgumentException("blocks of " + blockBytes + " in slabs of " + slabBytes);
    }
    this.blockBytes = blockBytes;
    this.blocksPerSlab = slabBytes / blockBytes;
  }

  /** A free block, the lowest one; adds slabs when none is free. */
  synchronized int allocate() {
    if (freeBlocks == 0) {
      for (int i = growthStep(slabCount); i > 0; i--) {
        addSlab();
      }
    }
    int block = free.lowest();
    free.clear(block);
    freeBlocks--;
    freeInSlab[block / blocksPerSlab]--;
    return block;
  }

  /** Gives {@code block} back. */
  synchronized void free(int block) {
    if (block < 0 || block >= slabCount * blocksPerSlab || free.get(block)) {
      throw new IllegalStateException("block " + block + " is not in use");
    }
    free.set(block);
    freeBlocks++;
    freeInSlab[block / blocksPerSlab]++;
    releaseEmptyTopSlabs();
  }

  /** The slab holding {@code block}. */
  byte[] slab(int block) {
    return slabs[block / blocksPerSlab];
  }

  /** Where {@code block} starts in its slab. */
  int offset(int block) {
    return (block % blocksPerSlab) * blockBytes;
  }

  synchronized int blocksInUse() {
    return slabCount * blocksPerSlab - freeBlocks;
  }

  synchronized int slabCount() {
    return slabCount;
  }

  private static int slabBytesForThisHeap() {
    try {
      HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      if (Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue())) {
        long region = Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue());
        if (region >= 4L * DEFAULT_BLOCK_BYTES && region <= 1 << 30) {
          return (int) region - DEFAULT_BLOCK_BYTES;
        }
      }
    } catch (RuntimeException | LinkageError e) {
      // Not HotSpot, or no management module: the plain size below.
    }
    return 1 << 20;
  }

  private void addSlab() {
    byte[][] grown = slabs;
    if (slabCount == grown.length) {
      grown = Arrays.copyOf(grown, Math.max(4, slabCount * 2));
      freeInSlab = Arrays.copyOf(freeInSlab, grown.length);
    }
    grown[slabCount] = new byte[blocksPerSlab * blockBytes];
    slabs = grown; // publishes the new slab before any of its blocks is handed out
    free.ensureCapacity((slabCount + 1) * blocksPerSlab);
    free.set(slabCount * blocksPerSlab, (slabCount + 1) * blocksPerSlab);
    freeInSlab[slabCount] = blocksPerSlab;
    freeBlocks += blocksPerSlab;
    slabCount++;
  }

  /**
   * How many slabs the pool adds when it runs out: a quarter of those it has (at most 16 MiB, so
   * that zeroing them holds up the push that asked for no more than a few milliseconds). On G1
   * every new slab is a humongous allocation, and once the heap is past the occupancy at which G1
   * starts marking, each can start a concurrent cycle with its own pause: growing a slab at a time
   * started one every half second while inboxes filled (bench/README); growing by a share of the
   * pool makes the number of such moments grow with the logarithm of its size.
   */
  private int growthStep(int slabs) {
    int cap = Math.max(1, (16 << 20) / (blocksPerSlab * blockBytes));
    return Math.max(1, Math.min(cap, slabs / 4));
  }

  /**
   * Free blocks that must remain below an empty top slab for it to go back to the heap: what the
   * pool would grow by next, so that it does not give back the slabs it has just added (half a
   * slab for a small pool, as a block going back and forth at the border must not add and drop a
   * slab each time).
   */
  private int reserveBlocks(int slabs) {
    int step = growthStep(slabs);
    return step == 1 ? blocksPerSlab / 2 : step * blocksPerSlab;
  }

  private void releaseEmptyTopSlabs() {
    while (slabCount > 0
        && freeInSlab[slabCount - 1] == blocksPerSlab
        && freeBlocks - blocksPerSlab >= reserveBlocks(slabCount - 1)) {
      int top = slabCount - 1;
      free.clear(top * blocksPerSlab, (top + 1) * blocksPerSlab);
      freeBlocks -= blocksPerSlab;
      freeInSlab[top] = 0;
      slabs[top] = null;
      slabCount--;
    }
  }
}

package io.linkgate.router.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Fixed-size blocks carved out of a few large buffers (slabs) outside the Java heap, shared by
 * every user's inbox.
 *
 * <p>Why: an inbox keeps every push until it is acked long after, so whatever holds a push lives
 * long. As objects on the heap each push survived young collections on a generational collector
 * (copying them set G1's tail latency), and as bytes in large heap arrays they still made the heap
 * itself grow by the inboxes' size: on ZGC a growing heap is memory the allocating threads touch
 * for the first time, once through each of the heap's views, and on the benchmark machine those
 * page faults took 40-65% of the pushing thread (bench/README, "Where ZGC's slow runs came from").
 * Direct buffers keep the held bytes out of the collector's sight: a push costs the heap nothing
 * that survives, the heap stays the size of the garbage, and the kernel maps a slab's pages once.
 *
 * <p>New slabs are made ahead of need on a background thread: the pool asks for the next growth
 * once fewer free blocks are left than half of it. Making a slab means zeroing it, and the kernel
 * maps each of its pages on that first touch, which on the benchmark machine cost a 16 MiB growth
 * about 100 ms: paid by the pushing thread, that was the inboxes' share of the push latency tail.
 * Only when a burst takes the last free block before the grower has delivered does the taking
 * thread grow the pool itself.
 *
 * <p>Memory follows use: the pool grows by a share of its size when it runs out; the lowest free
 * block is handed out first, so as inboxes turn over their data moves to the low slabs (a ring
 * may keep a block it gave up for its next growth, but none of the top slab: {@link #mayKeep}),
 * and the highest slab is dropped once it is entirely free and as much as the next growth would
 * add is free elsewhere (so that growing and shrinking do not alternate). A dropped slab's memory
 * goes back when the collector finds the buffer unreachable, as for any direct buffer; the JVM's
 * bound on direct memory ({@code -XX:MaxDirectMemorySize}, by default the heap's maximum) applies.
 *
 * <p>Thread-safe; the blocks' contents are guarded by whoever holds the block (an inbox, under its
 * lock), who reads and writes them with the buffers' absolute methods, which share no position. A
 * block id stays valid until it is freed.
 */
final class SlabPool {
  static final int DEFAULT_BLOCK_BYTES = 512;

  static final int DEFAULT_SLAB_BYTES = 1 << 20;

  final int blockBytes;
  /** log2 of {@link #blockBytes}: a stream position's block is a shift away, not a division. */
  final int blockShift;
  private final int blocksPerSlab;
  private final int slabShift;
  private final Executor grower;

  /** Grows by copying; readers use the reference they see (a slab in use is never removed). */
  private volatile ByteBuffer[] slabs = new ByteBuffer[0];

  /**
   * Blocks below this may be kept by their holder for reuse: all but the top slab's, unless it is
   * the only one, which the pool never drops.
   */
  private volatile int keepBelow;

  // Guarded by this.
  private int slabCount;
  private final FreeBlockIndex free = new FreeBlockIndex();
  private int[] freeInSlab = new int[0];
  private int freeBlocks;
  private boolean growing;

  SlabPool() {
    this(DEFAULT_BLOCK_BYTES, DEFAULT_SLAB_BYTES, SharedGrower.EXECUTOR);
  }

  /**
   * @param grower runs the growth ahead of need; an executor that drops its tasks leaves every
   *     growth to the thread that takes the last free block
   */
  SlabPool(int blockBytes, int slabBytes, Executor grower) {
    // Powers of two: every read of a held frame finds its slab and offset by shifts and masks
    // (five integer divisions per byte read cost a few percent of a send's time).
    if (blockBytes < 16
        || slabBytes < blockBytes
        || Integer.bitCount(blockBytes) != 1
        || Integer.bitCount(slabBytes) != 1) {
      throw new IllegalArgumentException(
          "blocks of " + blockBytes + " in slabs of " + slabBytes + ": both powers of two");
    }
    this.blockBytes = blockBytes;
    this.blockShift = Integer.numberOfTrailingZeros(blockBytes);
    this.blocksPerSlab = slabBytes / blockBytes;
    this.slabShift = Integer.numberOfTrailingZeros(blocksPerSlab);
    this.grower = grower;
  }

  /** A free block, the lowest one; adds slabs when none is free. */
  int allocate() {
    int block;
    boolean growAhead;
    synchronized (this) {
      if (freeBlocks == 0) {
        for (int i = growthStep(slabCount); i > 0; i--) {
          addSlab(newSlab());
        }
      }
      block = free.lowest();
      free.clear(block);
      freeBlocks--;
      freeInSlab[block >>> slabShift]--;
      growAhead = !growing && freeBlocks < lowWater();
      growing |= growAhead;
    }
    if (growAhead) {
      grower.execute(this::growAhead);
    }
    return block;
  }

  /**
   * The grower's task: makes the next growth's slabs outside the lock (the zeroing and the page
   * faults are the cost), then adds them unless the pool has meanwhile grown or emptied enough.
   */
  private void growAhead() {
    int step;
    synchronized (this) {
      step = growthStep(slabCount);
    }
    ByteBuffer[] made = new ByteBuffer[step];
    try {
      for (int i = 0; i < step; i++) {
        made[i] = newSlab(); // past -XX:MaxDirectMemorySize this throws; a later take asks again
      }
    } finally {
      synchronized (this) {
        growing = false;
        if (freeBlocks < lowWater()) {
          for (ByteBuffer slab : made) {
            if (slab != null) {
              addSlab(slab);
            }
          }
        }
      }
    }
  }

  /** Free blocks below which the pool grows ahead: half the next growth (a quarter slab for one). */
  private int lowWater() {
    return lowWater(slabCount);
  }

  private int lowWater(int slabs) {
    int step = growthStep(slabs);
    return step == 1 ? blocksPerSlab / 4 : step * blocksPerSlab / 2;
  }

  /** Gives {@code block} back. */
  synchronized void free(int block) {
    if (block < 0 || block >= slabCount * blocksPerSlab || free.get(block)) {
      throw new IllegalStateException("block " + block + " is not in use");
    }
    free.set(block);
    freeBlocks++;
    freeInSlab[block >>> slabShift]++;
    releaseEmptyTopSlabs();
  }

  /**
   * Whether a holder about to free {@code block} may keep it to reuse instead, sparing the lock:
   * not if it is in the top slab, which the pool drops once it is empty (but for its last slab,
   * which it keeps). Read without the lock: a stale answer only keeps one block a little longer,
   * or frees one that could have been kept.
   */
  boolean mayKeep(int block) {
    return block < keepBelow;
  }

  private int keepBelow(int slabs) {
    return Math.max(Math.min(slabs, 1), slabs - 1) * blocksPerSlab;
  }

  /** The slab holding {@code block}; use its absolute get and put methods only. */
  ByteBuffer slab(int block) {
    return slabs[block >>> slabShift];
  }

  /** Where {@code block} starts in its slab. */
  int offset(int block) {
    return (block & (blocksPerSlab - 1)) << blockShift;
  }

  synchronized int blocksInUse() {
    return slabCount * blocksPerSlab - freeBlocks;
  }

  synchronized int slabCount() {
    return slabCount;
  }

  private ByteBuffer newSlab() {
    return ByteBuffer.allocateDirect(blocksPerSlab * blockBytes);
  }

  private void addSlab(ByteBuffer slab) {
    ByteBuffer[] grown = slabs;
    if (slabCount == grown.length) {
      grown = Arrays.copyOf(grown, Math.max(4, slabCount * 2));
      freeInSlab = Arrays.copyOf(freeInSlab, grown.length);
    }
    grown[slabCount] = slab;
    slabs = grown; // publishes the new slab before any of its blocks is handed out
    free.ensureCapacity((slabCount + 1) * blocksPerSlab);
    free.set(slabCount * blocksPerSlab, (slabCount + 1) * blocksPerSlab);
    freeInSlab[slabCount] = blocksPerSlab;
    freeBlocks += blocksPerSlab;
    slabCount++;
    keepBelow = keepBelow(slabCount);
  }

  /**
   * How many slabs the pool adds at a time: a quarter of those it has, at most 16 MiB (what a thread
   * that takes the last free block waits for when the grower has fallen behind). Growing by a share
   * of the pool makes the number of growths grow with the logarithm of its size.
   */
  private int growthStep(int slabs) {
    int cap = Math.max(1, (16 << 20) / (blocksPerSlab * blockBytes));
    return Math.max(1, Math.min(cap, slabs / 4));
  }

  /**
   * Free blocks that must remain below an empty top slab for it to be dropped: what the pool would
   * grow by next (half a slab for a small pool, as a block going back and forth at the border must
   * not add and drop a slab each time), plus the low water mark, so that slabs added ahead of need
   * are not dropped again before the blocks they were made for are taken.
   */
  private int reserveBlocks(int slabs) {
    int step = growthStep(slabs);
    return (step == 1 ? blocksPerSlab / 2 : step * blocksPerSlab) + lowWater(slabs);
  }

  /** One daemon thread for every pool in the JVM, gone after a minute without work. */
  private static final class SharedGrower {
    static final Executor EXECUTOR = create();

    private static Executor create() {
      ThreadPoolExecutor executor =
          new ThreadPoolExecutor(
              1,
              1,
              1,
              TimeUnit.MINUTES,
              new LinkedBlockingQueue<>(),
              task -> {
                Thread t = new Thread(task, "linkgate-inbox-slabs");
                t.setDaemon(true);
                return t;
              });
      executor.allowCoreThreadTimeOut(true);
      return executor;
    }
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
      keepBelow = keepBelow(slabCount);
    }
  }
}

package io.linkgate.router.internal;

import java.nio.ByteBuffer;

/**
 * One user's held frames, oldest first, as one byte stream over blocks of a {@link SlabPool}: each
 * entry is a frame exactly as it goes on the wire (varint32 length, then the body), so a push adds
 * no object to the heap. The stream starts {@code
 * head} bytes into the first block; blocks are taken as it grows at the end and given back as
 * entries are dropped at the front. Each entry's length is also kept in a small table beside it,
 * so that dropping the oldest (every push into a full inbox) does not read the oldest bytes, which
 * were written a whole inbox ago and are out of the cache: reading its length prefix there was
 * 5.7% of the tunnel uplink's selector threads at 16 sends a POST.
 *
 * <p>Not thread-safe: the owning inbox guards it.
 */
final class FrameRing {
  private static final int[] NO_BLOCKS = new int[0];
  private static final int[] NO_LENGTHS = new int[0];
  private static final int NONE = -1;

  private final SlabPool pool;
  /**
   * A circular table of the blocks in stream order: {@code blockCount} of them from {@code first}.
   * Its length is a power of two (0, then 4, doubling), so positions wrap with a mask.
   */
  private int[] blocks = NO_BLOCKS;
  private int first;
  private int blockCount;
  /** Where the oldest entry starts in the first block. */
  private int head;
  /** Bytes held, from {@code head} on. */
  private int used;
  private int count;
  /**
   * The entries' lengths (prefix included), oldest at {@code firstLength}, as a circular table
   * whose length is a power of two (0, then 8, doubling): 4 bytes an entry held.
   */
  private int[] lengths = NO_LENGTHS;
  private int firstLength;
  /**
   * A block the front gave up, kept for the end's next growth, or {@link #NONE}. Once an inbox is
   * full each push drops about as many bytes as it adds, and without it a block went back to the
   * pool and another came out of it about every other push: two turns of the pool's one lock,
   * which every pushing thread shares (with 64 threads pushing it was 8.6% of their samples, most
   * of it waiting). At most one, counted among the ring's blocks. Only a block the pool lets go
   * ({@link SlabPool#mayKeep}), and given back rather than used if the pool has since shrunk to
   * its slab, so that as inboxes turn over the pool's top slab still empties and is dropped.
   */
  private int spare = NONE;

  FrameRing(SlabPool pool) {
    this.pool = pool;
  }

  int count() {
    return count;
  }

  /** Bytes held, length prefixes included. */
  int bytes() {
    return used;
  }

  /** Blocks held, the spare included, for tests of the memory bound. */
  int blockCount() {
    return blockCount + (spare == NONE ? 0 : 1);
  }

  /** Adds an entry at the end: {@code frame} is a whole length-prefixed frame. */
  void add(byte[] frame) {
    int end = head + used;
    long needed = (long) end + frame.length;
    while (needed > (long) blockCount * pool.blockBytes) {
      addBlock(takeBlock());
    }
    copy(end, frame, 0, frame.length, true);
    if (count == lengths.length) {
      growLengths();
    }
    lengths[(firstLength + count) & (lengths.length - 1)] = frame.length;
    used += frame.length;
    count++;
  }

  /** Drops the oldest entry and gives back the blocks it alone used. */
  void dropOldest() {
    if (count == 0) {
      throw new IllegalStateException("empty");
    }
    int length = lengths[firstLength];
    firstLength = (firstLength + 1) & (lengths.length - 1);
    count--;
    if (count == 0) {
      clear();
      return;
    }
    head += length;
    used -= length;
    int bytes = pool.blockBytes;
    while (head >= bytes) {
      giveBack(blocks[first]);
      first = (first + 1) & (blocks.length - 1);
      blockCount--;
      head -= bytes;
    }
  }

  /**
   * The entries from index {@code from} (0 is the oldest) to the newest, each as its own array,
   * length prefix included.
   */
  byte[][] copyFrom(int from) {
    byte[][] out = new byte[Math.max(0, count - from)][];
    int pos = head;
    for (int i = 0; i < count; i++) {
      int length = lengths[(firstLength + i) & (lengths.length - 1)];
      if (i >= from) {
        byte[] entry = new byte[length];
        copy(pos, entry, 0, length, false);
        out[i - from] = entry;
      }
      pos += length;
    }
    return out;
  }

  /** Gives every block back; the ring is empty afterwards and may be used again. */
  void clear() {
    for (int i = 0; i < blockCount; i++) {
      pool.free(blocks[(first + i) & (blocks.length - 1)]);
    }
    if (spare != NONE) {
      pool.free(spare);
      spare = NONE;
    }
    blocks = NO_BLOCKS;
    lengths = NO_LENGTHS;
    firstLength = 0;
    first = 0;
    blockCount = 0;
    head = 0;
    used = 0;
    count = 0;
  }

  private void growLengths() {
    int[] grown = new int[Math.max(8, lengths.length * 2)];
    for (int i = 0; i < count; i++) {
      grown[i] = lengths[(firstLength + i) & (lengths.length - 1)];
    }
    lengths = grown;
    firstLength = 0;
  }

  private int blockAt(int pos) {
    return blocks[(first + (pos >>> pool.blockShift)) & (blocks.length - 1)];
  }

  /** Copies between stream bytes from {@code pos} and {@code array}, into the stream if {@code in}. */
  private void copy(int pos, byte[] array, int offset, int length, boolean in) {
    int bytes = pool.blockBytes;
    while (length > 0) {
      int block = blockAt(pos);
      int within = pos & (bytes - 1);
      int n = Math.min(length, bytes - within);
      ByteBuffer slab = pool.slab(block);
      int at = pool.offset(block) + within;
      if (in) {
        slab.put(at, array, offset, n);
      } else {
        slab.get(at, array, offset, n);
      }
      pos += n;
      offset += n;
      length -= n;
    }
  }

  private int takeBlock() {
    int block = spare;
    if (block == NONE) {
      return pool.allocate();
    }
    spare = NONE;
    if (!pool.mayKeep(block)) {
      pool.free(block);
      return pool.allocate();
    }
    return block;
  }

  private void giveBack(int block) {
    if (spare == NONE && pool.mayKeep(block)) {
      spare = block;
    } else {
      pool.free(block);
    }
  }

  private void addBlock(int block) {
    if (blockCount == blocks.length) {
      int[] grown = new int[Math.max(4, blocks.length * 2)];
      for (int i = 0; i < blockCount; i++) {
        grown[i] = blocks[(first + i) & (blocks.length - 1)];
      }
      blocks = grown;
      first = 0;
    }
    blocks[(first + blockCount) & (blocks.length - 1)] = block;
    blockCount++;
  }
}

package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A turning-over ring reuses the block it gave up instead of going to the pool for each one. */
class FrameRingTest {
  /** Four blocks of 16 bytes per slab; growth only on the taking thread. */
  private final SlabPool pool = new SlabPool(16, 64, task -> {});
  private final FrameRing ring = new FrameRing(pool);

  @Test
  void theBlockTheFrontGivesUpIsTheEndsNextBlockAndThePoolIsNotAsked() {
    fillTwoSlabsAndTakeAThird();
    assertThat(pool.blocksInUse()).isEqualTo(12);

    ring.dropOldest(); // its block (block 0, below the top slab) is kept
    assertThat(pool.blocksInUse()).isEqualTo(12);
    assertThat(ring.blockCount()).isEqualTo(8);

    ring.add(entry(8)); // and is the one this entry goes into
    assertThat(pool.blocksInUse()).isEqualTo(12);
    assertThat(ring.blockCount()).isEqualTo(8);
    assertThat(contents(ring.copyFrom(0))).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
  }

  @Test
  void aBlockOfThePoolsTopSlabGoesBackSoThatTheSlabCanEmpty() {
    for (int i = 0; i < 4; i++) {
      pool.allocate(); // slab 0, another holder's
    }
    for (int i = 0; i < 4; i++) {
      ring.add(entry(i)); // slab 1, the top one
    }
    ring.dropOldest();
    assertThat(pool.blocksInUse()).isEqualTo(7);
    assertThat(ring.blockCount()).isEqualTo(3);
  }

  @Test
  void aRingTurningOverInThePoolsTopSlabMovesDownAndThePoolDropsTheSlab() {
    List<Integer> others = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      others.add(pool.allocate()); // slabs 0 and 1
    }
    for (int i = 0; i < 4; i++) {
      ring.add(entry(i)); // slab 2, the top one
    }
    others.forEach(pool::free);
    assertThat(pool.slabCount()).isEqualTo(3);

    for (int i = 4; i < 8; i++) {
      ring.dropOldest();
      ring.add(entry(i));
    }

    assertThat(pool.slabCount()).isEqualTo(2);
    assertThat(pool.blocksInUse()).isEqualTo(ring.blockCount());
    assertThat(contents(ring.copyFrom(0))).containsExactly(4, 5, 6, 7);
  }

  @Test
  void droppingTheOldestDoesNotReadItsBytes() {
    // Those bytes were written a whole inbox ago and are out of the cache: the length comes from
    // the table beside the stream. Bytes that are no length prefix at all show it is not read.
    ring.add(entry(1)); // block 0, the pool's first
    ring.add(entry(2));
    ByteBuffer slab = pool.slab(0);
    for (int i = 0; i < 16; i++) {
      slab.put(pool.offset(0) + i, (byte) 0xFF);
    }

    ring.dropOldest();

    assertThat(contents(ring.copyFrom(0))).containsExactly(2);
    assertThat(ring.bytes()).isEqualTo(16);
  }

  @Test
  void clearingGivesTheKeptBlockBackWithTheRest() {
    fillTwoSlabsAndTakeAThird();
    ring.dropOldest();

    ring.clear();

    assertThat(pool.blocksInUse()).isEqualTo(4); // the other holder's alone
    assertThat(ring.blockCount()).isZero();
  }

  /**
   * Entries of many lengths (one byte of prefix and two; within a block and across several), added
   * and dropped in an uneven rhythm: every copy equals what a plain list of the entries holds.
   */
  @Test
  void entriesOfManyLengthsComeBackAsAddedThroughWrapsAndGrowth() {
    SlabPool roomy = new SlabPool(16, 4096, task -> {});
    FrameRing r = new FrameRing(roomy);
    java.util.ArrayDeque<byte[]> model = new java.util.ArrayDeque<>();
    java.util.Random random = new java.util.Random(42);
    for (int step = 0; step < 2_000; step++) {
      if (model.isEmpty() || random.nextInt(5) < 3) {
        byte[] e = framed(random.nextInt(200), (byte) step);
        r.add(e);
        model.addLast(e);
      } else {
        r.dropOldest();
        model.removeFirst();
      }
      if (step % 37 == 0) {
        byte[][] all = r.copyFrom(0);
        assertThat(all.length).isEqualTo(model.size());
        int i = 0;
        for (byte[] expected : model) {
          assertThat(all[i++]).isEqualTo(expected);
        }
        int from = model.size() / 2;
        assertThat(r.copyFrom(from).length).isEqualTo(model.size() - from);
      }
      assertThat(r.count()).isEqualTo(model.size());
    }
  }

  /** A frame as the wire has it: varint32 length of a body of {@code bodyBytes}, then the body. */
  private static byte[] framed(int bodyBytes, byte tag) {
    int prefix = bodyBytes < 128 ? 1 : 2;
    byte[] e = new byte[prefix + bodyBytes];
    if (prefix == 1) {
      e[0] = (byte) bodyBytes;
    } else {
      e[0] = (byte) (bodyBytes & 0x7f | 0x80);
      e[1] = (byte) (bodyBytes >>> 7);
    }
    Arrays.fill(e, prefix, e.length, tag);
    return e;
  }

  /** The ring holds blocks 0 to 7 (entries 0 to 7, a block each); another holder the top slab. */
  private void fillTwoSlabsAndTakeAThird() {
    for (int i = 0; i < 8; i++) {
      ring.add(entry(i));
    }
    for (int i = 0; i < 4; i++) {
      pool.allocate();
    }
  }

  /** A 16-byte entry, a block exactly: its length prefix (15), then {@code tag} repeated. */
  private static byte[] entry(int tag) {
    byte[] e = new byte[16];
    Arrays.fill(e, (byte) tag);
    e[0] = 15;
    return e;
  }

  private static List<Integer> contents(byte[][] entries) {
    List<Integer> tags = new ArrayList<>();
    for (byte[] e : entries) {
      assertThat(e).hasSize(16);
      tags.add((int) e[1]);
    }
    return tags;
  }
}

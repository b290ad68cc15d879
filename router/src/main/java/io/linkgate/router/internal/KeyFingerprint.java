package io.linkgate.router.internal;

import java.security.SecureRandom;

/**
 * A 128-bit fingerprint of a send's key (user, client_msg_id), in two 64-bit halves, for the
 * {@link SendDedup} window to tell keys apart without keeping their strings. A window that kept
 * each send's client id string kept the latest 100,000 of them alive, and every young collection
 * copied them: in the tunnel's uplink benchmark (G1, 16 sends a POST) young pauses took 14 ms on
 * average and 0.7 s of a run in all; with fingerprints 3 to 4 ms and 0.3 to 0.4 s.
 *
 * <p>Two keys share a fingerprint by chance with a probability of 2^-127 (the low half's last bit
 * is set, see {@link #low}): a window of 100,000 keys takes a new send for a retry of another
 * about once in 10^33 sends. The halves are seeded at random for each process, so keys that
 * collide cannot be found ahead of time; a client that crafted two of its own ids to collide
 * would only have its own second send taken for a retry of its first, since the user is part of
 * the key.
 *
 * <p>Each half is a multiply-rotate hash over the key's characters, four to a 64-bit block, with a
 * final avalanche: the two strings' lengths are mixed in between them, so ("ab", "c") and ("a",
 * "bc") differ.
 */
final class KeyFingerprint {
  private static final long C1 = 0x87C37B91114253D5L;
  private static final long C2 = 0x4CF5AD432745937FL;

  private final long highSeed;
  private final long lowSeed;

  KeyFingerprint(long highSeed, long lowSeed) {
    this.highSeed = highSeed;
    this.lowSeed = lowSeed;
  }

  /** Seeded at random. */
  static KeyFingerprint random() {
    SecureRandom random = new SecureRandom();
    return new KeyFingerprint(random.nextLong(), random.nextLong());
  }

  long high(String userId, String clientMsgId) {
    return hash(highSeed, userId, clientMsgId);
  }

  /** Never 0, so that 0 can mark an empty slot. */
  long low(String userId, String clientMsgId) {
    return hash(lowSeed, userId, clientMsgId) | 1;
  }

  private static long hash(long seed, String userId, String clientMsgId) {
    long h = chars(seed, userId);
    h = step(h, (userId.length() & 0xFFFF_FFFFL) | (long) clientMsgId.length() << 32);
    h = chars(h, clientMsgId);
    return avalanche(h);
  }

  private static long chars(long h, String s) {
    int n = s.length();
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      h =
          step(
              h,
              s.charAt(i)
                  | (long) s.charAt(i + 1) << 16
                  | (long) s.charAt(i + 2) << 32
                  | (long) s.charAt(i + 3) << 48);
    }
    if (i < n) {
      long rest = 0;
      for (int shift = 0; i < n; i++, shift += 16) {
        rest |= (long) s.charAt(i) << shift;
      }
      h = step(h, rest);
    }
    return h;
  }

  private static long step(long h, long block) {
    h ^= Long.rotateLeft(block * C1, 31) * C2;
    return Long.rotateLeft(h, 27) * 5 + 0x52DCE729;
  }

  /** Every bit of the result depends on every bit of {@code h}. */
  private static long avalanche(long h) {
    h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
    h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return h ^ (h >>> 33);
  }
}

package io.linkgate.router.internal;

import java.security.SecureRandom;

/**
 * A 128-bit fingerprint of a send's key (user, client_msg_id), in two 64-bit halves, for the
 * {@link SendDedup} window to tell keys apart without keeping their strings. A window that kept
 * each send's client id string kept the latest 100,000 of them alive, and every young collection
 * copied them: in the tunnel's uplink benchmark (G1, 16 sends a POST) young pauses took 14 ms on
 * average and 0.7 s of a run in all; with fingerprints 3 to 4 ms and 0.3 to 0.4 s.
 *
 * <p>The fingerprint is SipHash-2-4 with its 128-bit output (Aumasson and Bernstein's keyed
 * pseudorandom function) under a key drawn at random for each process. Keys are chosen by clients,
 * so a fast unkeyed-strength hash would not do: MurmurHash3 and its kind have collisions that hold
 * whatever the seed (Aumasson and Bernstein, 2012). A review built two of one user's client ids
 * that collided under every seed of the first, unkeyed-strength version here, so that the second
 * send was answered as a retry of the first and never delivered; whether ids could also be made to
 * collide with another user's predictable next id (a counter) it did not settle. Without the key
 * nobody can find such a pair, and two keys share a fingerprint by chance with a
 * probability of 2^-127 (the low half's last bit is set, see {@link #of}): a window of 100,000
 * keys takes a new send for a retry of another about once in 10^33 sends.
 *
 * <p>The message is the key's characters, four to a 64-bit word, the user's then the client id's,
 * each string's last word padded with zero characters, and a word of the two lengths between
 * them: an encoding no two keys share, so ("ab", "c") and ("a", "bc") differ.
 */
final class KeyFingerprint {
  private final long k0;
  private final long k1;

  KeyFingerprint(long k0, long k1) {
    this.k0 = k0;
    this.k1 = k1;
  }

  /** Keyed at random. */
  static KeyFingerprint random() {
    SecureRandom random = new SecureRandom();
    return new KeyFingerprint(random.nextLong(), random.nextLong());
  }

  /**
   * The key's fingerprint into {@code out}: its high half, then its low half (never 0, so that 0
   * can mark an empty slot).
   */
  void of(String userId, String clientMsgId, long[] out) {
    long[] v = start();
    int words = 0;
    for (int i = 0; i < userId.length(); i += 4, words++) {
      compress(v, word(userId, i));
    }
    compress(v, (userId.length() & 0xFFFF_FFFFL) | (long) clientMsgId.length() << 32);
    words++;
    for (int i = 0; i < clientMsgId.length(); i += 4, words++) {
      compress(v, word(clientMsgId, i));
    }
    finish(v, 8L * words, out);
    out[1] |= 1;
  }

  /** SipHash-2-4-128 of whole 64-bit words, little-endian (tests check it against the paper's). */
  long[] ofWords(long[] message, int bytes) {
    long[] v = start();
    int whole = bytes / 8;
    for (int i = 0; i < whole; i++) {
      compress(v, message[i]);
    }
    long last = bytes % 8 == 0 ? 0 : message[whole] & ((1L << (8 * (bytes % 8))) - 1);
    long[] out = new long[2];
    finishWith(v, last | (long) bytes << 56, out);
    return out;
  }

  private long[] start() {
    return new long[] {
      k0 ^ 0x736F6D6570736575L,
      k1 ^ 0x646F72616E646F6DL ^ 0xEE, // the 128-bit output's variant
      k0 ^ 0x6C7967656E657261L,
      k1 ^ 0x7465646279746573L
    };
  }

  /** The last word holds only the message's length (every word before was whole). */
  private static void finish(long[] v, long bytes, long[] out) {
    finishWith(v, bytes << 56, out);
  }

  private static void finishWith(long[] v, long lastWord, long[] out) {
    compress(v, lastWord);
    v[2] ^= 0xEE;
    for (int r = 0; r < 4; r++) {
      round(v);
    }
    out[0] = v[0] ^ v[1] ^ v[2] ^ v[3];
    v[1] ^= 0xDD;
    for (int r = 0; r < 4; r++) {
      round(v);
    }
    out[1] = v[0] ^ v[1] ^ v[2] ^ v[3];
  }

  private static void compress(long[] v, long m) {
    v[3] ^= m;
    round(v);
    round(v);
    v[0] ^= m;
  }

  private static void round(long[] v) {
    long v0 = v[0];
    long v1 = v[1];
    long v2 = v[2];
    long v3 = v[3];
    v0 += v1;
    v1 = Long.rotateLeft(v1, 13) ^ v0;
    v0 = Long.rotateLeft(v0, 32);
    v2 += v3;
    v3 = Long.rotateLeft(v3, 16) ^ v2;
    v0 += v3;
    v3 = Long.rotateLeft(v3, 21) ^ v0;
    v2 += v1;
    v1 = Long.rotateLeft(v1, 17) ^ v2;
    v2 = Long.rotateLeft(v2, 32);
    v[0] = v0;
    v[1] = v1;
    v[2] = v2;
    v[3] = v3;
  }

  /** Up to four characters of {@code s} from {@code i}, 16 bits each, the first lowest. */
  private static long word(String s, int i) {
    int n = s.length();
    if (i + 4 <= n) {
      return s.charAt(i)
          | (long) s.charAt(i + 1) << 16
          | (long) s.charAt(i + 2) << 32
          | (long) s.charAt(i + 3) << 48;
    }
    long rest = 0;
    for (int shift = 0; i < n; i++, shift += 16) {
      rest |= (long) s.charAt(i) << shift;
    }
    return rest;
  }
}

package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyFingerprintTest {
  private final KeyFingerprint fingerprint = KeyFingerprint.random();

  /** Both halves of the key's fingerprint, as one string to compare. */
  private String of(String user, String clientId) {
    long[] out = halves(fingerprint, user, clientId);
    return out[0] + "/" + out[1];
  }

  private static long[] halves(KeyFingerprint f, String user, String clientId) {
    long[] out = new long[2];
    f.of(user, clientId, out);
    return out;
  }

  @Test
  void itIsSipHash24With128BitsOutAsItsAuthorsPublishedIt() {
    // The reference implementation's test vectors: key 00..0f, messages 00, 00 01, ... (the
    // first three), output bytes in order. A keyed function, so that clients cannot look for
    // collisions.
    KeyFingerprint f = new KeyFingerprint(0x0706050403020100L, 0x0F0E0D0C0B0A0908L);
    assertThat(hex(f.ofWords(new long[] {0}, 0))).isEqualTo("a3817f04ba25a8e66df67214c7550293");
    assertThat(hex(f.ofWords(new long[] {0}, 1))).isEqualTo("da87c1d86b99af44347659119b22fc45");
    assertThat(hex(f.ofWords(new long[] {0x0100}, 2))).isEqualTo("8177228da4a45dc7fca38bdef60affe4");
  }

  private static String hex(long[] halves) {
    StringBuilder sb = new StringBuilder();
    for (long h : halves) {
      for (int i = 0; i < 8; i++) {
        sb.append(String.format("%02x", (h >>> (8 * i)) & 0xFF));
      }
    }
    return sb.toString();
  }

  @Test
  void theSameKeyHasTheSameFingerprint() {
    assertThat(of("alice", "c-1")).isEqualTo(of(new String("alice"), new String("c-1")));
  }

  @Test
  void whereTheUserEndsAndTheClientIdStartsIsPartOfTheKey() {
    assertThat(of("ab", "c")).isNotEqualTo(of("a", "bc"));
    assertThat(of("abcd", "")).isNotEqualTo(of("", "abcd"));
    assertThat(of("u", "abcd")).isNotEqualTo(of("u", "abcd\0"));
  }

  @Test
  void countingClientIdsOfManyUsersNeverShareAFingerprintOrEitherHalf() {
    // Ids as clients make them: a prefix and a counter, differing in a character or two.
    Set<String> whole = new HashSet<>();
    Set<Long> highs = new HashSet<>();
    Set<Long> lows = new HashSet<>();
    int keys = 0;
    for (int user = 0; user < 20; user++) {
      for (int i = 0; i < 10_000; i++) {
        String u = "user-" + user;
        String c = "client-msg-" + Integer.toString(i, 36);
        long[] h = halves(fingerprint, u, c);
        whole.add(h[0] + "/" + h[1]);
        highs.add(h[0]);
        lows.add(h[1]);
        keys++;
      }
    }
    assertThat(whole).hasSize(keys);
    // 64-bit halves: a chance collision among 200,000 keys is about one in 10^9.
    assertThat(highs).hasSize(keys);
    assertThat(lows).hasSize(keys);
  }

  @Test
  void theLowHalfIsNeverZeroWhichMarksAnEmptySlot() {
    for (int i = 0; i < 10_000; i++) {
      assertThat(halves(new KeyFingerprint(i, i), "u", "c" + i)[1]).isNotZero().isOdd();
    }
  }

  @Test
  void eachProcessKeysItsFingerprintsAnew() {
    KeyFingerprint other = KeyFingerprint.random();
    long[] mine = halves(fingerprint, "alice", "c-1");
    long[] theirs = halves(other, "alice", "c-1");
    assertThat(theirs[0]).isNotEqualTo(mine[0]);
    assertThat(theirs[1]).isNotEqualTo(mine[1]);
  }
}

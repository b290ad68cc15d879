package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyFingerprintTest {
  private final KeyFingerprint fingerprint = KeyFingerprint.random();

  /** Both halves of the key's fingerprint, as one string to compare. */
  private String of(String user, String clientId) {
    return fingerprint.high(user, clientId) + "/" + fingerprint.low(user, clientId);
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
        whole.add(of(u, c));
        highs.add(fingerprint.high(u, c));
        lows.add(fingerprint.low(u, c));
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
      assertThat(new KeyFingerprint(i, i).low("u", "c" + i)).isNotZero().isOdd();
    }
  }

  @Test
  void eachProcessSeedsItsFingerprintsAnew() {
    KeyFingerprint other = KeyFingerprint.random();
    assertThat(other.high("alice", "c-1")).isNotEqualTo(fingerprint.high("alice", "c-1"));
    assertThat(other.low("alice", "c-1")).isNotEqualTo(fingerprint.low("alice", "c-1"));
  }
}

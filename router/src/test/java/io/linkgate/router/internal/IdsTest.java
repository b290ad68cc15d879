package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class IdsTest {
  private final Ids ids = new Ids("node-1", "m");

  @Test
  void anIdGivenOutIsItsNumberAndBack() {
    for (int i = 1; i <= 5000; i++) {
      String id = ids.next();
      assertThat(ids.numberOf(id)).isEqualTo(i);
      assertThat(ids.idOf(i)).isEqualTo(id);
    }
  }

  @Test
  void idsGivenOutOnManyThreadsAtOnceAreAllDifferent() throws Exception {
    int threads = 4;
    int each = 3 * Ids.BLOCK + 7; // several blocks each, the last one part used
    String[][] given = new String[threads][each];
    CountDownLatch start = new CountDownLatch(1);
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int mine = t;
      workers[t] =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < each; i++) {
                  given[mine][i] = ids.next();
                }
              });
      workers[t].start();
    }
    start.countDown();
    Set<String> distinct = new HashSet<>();
    for (int t = 0; t < threads; t++) {
      workers[t].join();
      for (String id : given[t]) {
        assertThat(ids.numberOf(id)).as(id).isPositive();
        distinct.add(id);
      }
    }
    assertThat(distinct).hasSize(threads * each);
  }

  @Test
  void everyPositiveLongComesBackAsTheSameString() {
    for (long n : new long[] {1, 35, 36, Integer.MAX_VALUE, Long.MAX_VALUE - 1, Long.MAX_VALUE}) {
      assertThat(ids.numberOf(ids.idOf(n))).as("%d", n).isEqualTo(n);
    }
  }

  @Test
  void anIdIsItsPrefixThenItsNumberInBase36OnEveryThreadAndForAnyNodeId() throws Exception {
    String prefix = ids.idOf(1).substring(0, ids.idOf(1).length() - 1);
    assertThat(prefix).startsWith("node-1-m").endsWith("-");
    for (long n : new long[] {0, 1, 35, 36, 1295, 1296, Long.MAX_VALUE}) {
      assertThat(ids.idOf(n)).isEqualTo(prefix + Long.toString(n, 36));
    }
    String[] fromAnother = new String[1];
    Thread t = new Thread(() -> fromAnother[0] = ids.idOf(123_456_789L));
    t.start();
    t.join();
    assertThat(fromAnother[0]).isEqualTo(prefix + Long.toString(123_456_789L, 36));
    Ids unicode = new Ids("nœud-東京", "m"); // not Latin-1: made the plain way
    String uPrefix = unicode.idOf(1).substring(0, unicode.idOf(1).length() - 1);
    assertThat(uPrefix).startsWith("nœud-東京-m");
    assertThat(unicode.idOf(1_000_000)).isEqualTo(uPrefix + Long.toString(1_000_000, 36));
    assertThat(unicode.numberOf(unicode.idOf(1_000_000))).isEqualTo(1_000_000);
  }

  @Test
  void stringsThatOnlyLookLikeItsIdsAreNotNumbered() {
    String prefix = ids.idOf(1).substring(0, ids.idOf(1).length() - 1);
    Ids sameNode = new Ids("node-1", "m"); // another process: another random part
    for (String notAnId :
        new String[] {
          "",
          prefix,
          prefix + "0", // never given out
          prefix + "01", // a leading zero: idOf(1) is another string
          prefix + "A", // upper case: parseLong would take it
          prefix + "+1",
          prefix + "-1",
          prefix + "1 ",
          prefix + "1-",
          prefix + "1y2p0ij32e8e8", // Long.MAX_VALUE + 1
          prefix + "zzzzzzzzzzzzz", // overflows within the digits a long may have
          prefix + "10000000000000", // one digit more than any long
          "x" + prefix.substring(1) + "1",
          sameNode.next(),
          new Ids("node-1", "u").idOf(1),
          "m-1",
        }) {
      assertThat(ids.numberOf(notAnId)).as(notAnId).isEqualTo(-1);
    }
  }
}

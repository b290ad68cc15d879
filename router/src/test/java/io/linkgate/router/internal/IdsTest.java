package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

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
  void everyPositiveLongComesBackAsTheSameString() {
    for (long n : new long[] {1, 35, 36, Integer.MAX_VALUE, Long.MAX_VALUE - 1, Long.MAX_VALUE}) {
      assertThat(ids.numberOf(ids.idOf(n))).as("%d", n).isEqualTo(n);
    }
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

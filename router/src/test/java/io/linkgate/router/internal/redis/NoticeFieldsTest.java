package io.linkgate.router.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoticeFieldsTest {

  @Test
  void lengthPrefixedFieldsReadBackWhateverTheNumberOfDigits() {
    List<byte[]> values = new ArrayList<>();
    for (int length : new int[] {0, 1, 9, 10, 99, 100, 999, 1000, 12_345}) {
      byte[] v = new byte[length];
      Arrays.fill(v, (byte) ':'); // the separator inside a value must not confuse the reader
      values.add(v);
    }
    int size = 0;
    for (byte[] v : values) {
      size += Redis.prefixedSize(v.length);
    }
    byte[] notice = new byte[size];
    int at = 0;
    for (byte[] v : values) {
      at = Redis.putLengthPrefixed(notice, at, v);
    }

    assertThat(at).isEqualTo(notice.length);
    Fields f = new Fields(notice);
    for (byte[] v : values) {
      assertThat(f.next()).isEqualTo(v);
    }
    assertThat(f.hasNext()).isFalse();
  }

  @Test
  void aFieldIsItsDecimalLengthAColonAndItsBytes() {
    assertThat(new String(Redis.lengthPrefixed("epoch.12".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
        .isEqualTo("8:epoch.12");
    assertThat(Redis.lengthPrefixed(new byte[0])).isEqualTo("0:".getBytes(StandardCharsets.UTF_8));
  }
}

package io.linkgate.router.internal.redis;

import java.util.Arrays;

/** Reads a sequence of {@code <length>:<bytes>} fields, as the scripts frame notices. */
final class Fields {
  private final byte[] data;
  private int pos;

  Fields(byte[] data) {
    this.data = data;
  }

  boolean hasNext() {
    return pos < data.length;
  }

  /** @throws IllegalArgumentException if what follows is not a well-formed field */
  byte[] next() {
    int len = 0;
    int i = pos;
    while (i < data.length && data[i] != ':') {
      int d = data[i] - '0';
      if (d < 0 || d > 9 || len > (Integer.MAX_VALUE - d) / 10) {
        throw new IllegalArgumentException("bad field length at " + pos);
      }
      len = len * 10 + d;
      i++;
    }
    if (i == pos || i >= data.length || data.length - (i + 1) < len) {
      throw new IllegalArgumentException("truncated field at " + pos);
    }
    byte[] out = Arrays.copyOfRange(data, i + 1, i + 1 + len);
    pos = i + 1 + len;
    return out;
  }
}

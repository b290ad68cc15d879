package io.linkgate.router.internal.redis;

import java.util.Arrays;

/** Reads a sequence of {@code <length>:<bytes>} fields, as the scripts frame notices. */
final class Fields {
  private final byte[] data;
  private int pos;
  private int start;
  private int length;

  Fields(byte[] data) {
    this.data = data;
  }

  boolean hasNext() {
    return pos < data.length;
  }

  /** The next field's bytes, copied. */
  byte[] next() {
    advance();
    return Arrays.copyOfRange(data, start, start + length);
  }

  /** The next field as a decimal number. */
  long nextLong() {
    advance();
    if (length == 0 || length > 18) {
      throw new IllegalArgumentException("bad number at " + start);
    }
    long v = 0;
    for (int i = start; i < start + length; i++) {
      int d = data[i] - '0';
      if (d < 0 || d > 9) {
        throw new IllegalArgumentException("bad number at " + start);
      }
      v = v * 10 + d;
    }
    return v;
  }

  /**
   * Moves past the next field without copying it: it is then {@link #length()} bytes of {@link
   * #data()} from {@link #start()}.
   *
   * @throws IllegalArgumentException if what follows is not a well-formed field
   */
  void advance() {
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
    start = i + 1;
    length = len;
    pos = start + len;
  }

  byte[] data() {
    return data;
  }

  int start() {
    return start;
  }

  int length() {
    return length;
  }
}

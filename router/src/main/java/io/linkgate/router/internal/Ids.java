package io.linkgate.router.internal;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Unique ids for messages and sessions: the node id, a random per-process part (so a restarted node
 * never repeats an id), then a counter. Cheap: one string per id.
 */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Base-36 digits of {@link Long#MAX_VALUE}: no positive long has more. */
  private static final int MAX_DIGITS = Long.toString(Long.MAX_VALUE, 36).length();

  private final String prefix;
  private final AtomicLong counter = new AtomicLong();

  public Ids(String nodeId, String tag) {
    this.prefix = nodeId + '-' + tag + Long.toUnsignedString(RANDOM.nextLong() >>> 16, 36) + '-';
  }

  public String next() {
    return idOf(counter.incrementAndGet());
  }

  /** The id numbered {@code n}: what {@link #next} gave as its {@code n}th id. */
  public String idOf(long n) {
    return prefix + Long.toString(n, 36);
  }

  /**
   * The number of {@code id} if it is exactly what {@link #idOf} makes of a positive number, else
   * -1: {@code idOf(numberOf(id)).equals(id)} whenever this is not -1. So an id kept as its number
   * (8 bytes, no object) comes back as the very same string. Strict where {@link Long#parseLong}
   * is lenient: no sign, no leading zeros, no upper case, no overflow.
   */
  public long numberOf(String id) {
    int start = prefix.length();
    int digits = id.length() - start;
    if (digits < 1 || digits > MAX_DIGITS || !id.startsWith(prefix) || id.charAt(start) == '0') {
      return -1;
    }
    long n = 0;
    for (int i = start; i < id.length(); i++) {
      char c = id.charAt(i);
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 : -1;
      if (d < 0 || n > (Long.MAX_VALUE - d) / 36) {
        return -1;
      }
      n = n * 36 + d;
    }
    return n;
  }

  /** A short random node id, for routers built without one. */
  public static String randomNodeId() {
    return "node-" + Long.toUnsignedString(RANDOM.nextLong() >>> 24, 36);
  }
}

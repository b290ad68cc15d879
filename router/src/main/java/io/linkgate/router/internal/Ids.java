package io.linkgate.router.internal;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Unique ids for messages and sessions: the node id, a random per-process part (so a restarted node
 * never repeats an id), then a counter in base 36. Cheap: one string per id.
 */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Base-36 digits of {@link Long#MAX_VALUE}: no positive long has more. */
  private static final int MAX_DIGITS = Long.toString(Long.MAX_VALUE, 36).length();

  private static final byte[] DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(ISO_8859_1);

  private final String prefix;
  /** The prefix's bytes if it is all Latin-1 (an id is then made in one pass), else null. */
  private final byte[] latin1Prefix;
  /**
   * Numbers a thread takes from {@link #blocks} at a time. One counter incremented for every id
   * was a cache line that every sending thread wrote (a message and an uplink id a send): each
   * increment had to take it from the other core first.
   */
  static final int BLOCK = 1024;

  private final ThreadLocal<Local> local;
  /** The first number of the next block handed out, less one. */
  private final AtomicLong blocks = new AtomicLong();

  /** A thread's own: its buffer for writing ids, and what is left of its block of numbers. */
  private static final class Local {
    final byte[] scratch;
    long next;
    long end;

    Local(byte[] scratch) {
      this.scratch = scratch;
    }
  }

  public Ids(String nodeId, String tag) {
    this.prefix = nodeId + '-' + tag + Long.toUnsignedString(RANDOM.nextLong() >>> 16, 36) + '-';
    this.latin1Prefix =
        ISO_8859_1.newEncoder().canEncode(prefix) ? prefix.getBytes(ISO_8859_1) : null;
    // Each thread's buffer starts with the prefix, which stays; the digits go after it.
    this.local =
        ThreadLocal.withInitial(
            () ->
                new Local(
                    latin1Prefix == null
                        ? null
                        : Arrays.copyOf(latin1Prefix, latin1Prefix.length + MAX_DIGITS)));
  }

  /**
   * A new id, never given before by this instance. Unique, not ordered: each thread numbers its
   * ids from a block of its own (what orders messages is their seq).
   */
  public String next() {
    Local l = local.get();
    if (l.next == l.end) {
      l.next = blocks.getAndAdd(BLOCK) + 1;
      l.end = l.next + BLOCK;
    }
    return idOf(l.next++, l);
  }

  /**
   * The id numbered {@code n}: what {@link #next} gave as its {@code n}th id. Every push and every
   * ack carries one, so it is written straight into one buffer: the digits and then the joined
   * string were two strings and two arrays more per id (a tenth of a push's allocation).
   */
  public String idOf(long n) {
    return idOf(n, null);
  }

  /** As {@link #idOf(long)}, with the calling thread's {@link Local} if the caller has it. */
  private String idOf(long n, Local l) {
    if (latin1Prefix == null || n < 0) {
      return prefix + Long.toString(n, 36);
    }
    byte[] buf = (l != null ? l : local.get()).scratch;
    int end = buf.length;
    int pos = end;
    do {
      buf[--pos] = DIGITS[(int) (n % 36)];
      n /= 36;
    } while (n != 0);
    int digits = end - pos;
    int p = latin1Prefix.length;
    System.arraycopy(buf, pos, buf, p, digits); // right after the prefix
    return new String(buf, 0, p + digits, ISO_8859_1);
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

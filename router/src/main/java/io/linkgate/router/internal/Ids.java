package io.linkgate.router.internal;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Unique ids for messages and sessions: the node id, a random per-process part (so a restarted node
 * never repeats an id), then a counter. Cheap: one string per id.
 */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String prefix;
  private final AtomicLong counter = new AtomicLong();

  public Ids(String nodeId, String tag) {
    this.prefix = nodeId + '-' + tag + Long.toUnsignedString(RANDOM.nextLong() >>> 16, 36) + '-';
  }

  public String next() {
    return prefix + Long.toString(counter.incrementAndGet(), 36);
  }

  /** A short random node id, for routers built without one. */
  public static String randomNodeId() {
    return "node-" + Long.toUnsignedString(RANDOM.nextLong() >>> 24, 36);
  }
}

package io.linkgate.router.internal;

import io.linkgate.api.auth.Identity;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens verified lately, so that a client presenting the same token on every request (an HTTP
 * tunnel uplink POST, a dispatch call) pays for one signature check and JSON parse per window, not
 * per request. Keyed by the token's SHA-256, so the cache holds no token a heap dump could replay;
 * bounded in entries; an entry is used only until the token's own {@code exp} and for at most the
 * window. Only tokens that verified are kept: garbage costs a hash and a miss, never memory.
 *
 * <p>A plain map, not a general cache: lookups are nearly every request and inserts about one per
 * token per window, so a lookup does no bookkeeping (Caffeine recorded each read for its eviction
 * policy and replayed it on the caller's thread, most of the cost of a cached token check), and
 * the bound is kept on insert: when full, entries past their time go first, then a slice of the
 * rest, so each insert pays a constant share of the sweep. A token swept out early is verified
 * again, which is the cost of a miss.
 */
public final class VerifiedTokens {
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every JVM has SHA-256", e);
            }
          });

  private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
  private final long maxEntries;
  private final Clock clock;
  private final long windowMs;

  public VerifiedTokens(long maxEntries, Duration window, Clock clock) {
    if (maxEntries <= 0) {
      throw new IllegalArgumentException("maxEntries must be positive");
    }
    this.maxEntries = maxEntries;
    this.clock = clock;
    this.windowMs = window.toMillis();
  }

  /** The identity {@code token} verified as, if it did lately and has not expired since. */
  public Identity lookup(String token) {
    Key key = key(token);
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (clock.millis() < e.usableUntilMs) {
      return e.identity;
    }
    entries.remove(key, e);
    return null;
  }

  /** Remembers that {@code token} verified as {@code identity} and expires at {@code expiresAtMs}. */
  public void remember(String token, Identity identity, long expiresAtMs) {
    long now = clock.millis();
    if (entries.size() >= maxEntries) {
      sweep(now);
    }
    entries.put(key(token), new Entry(identity, Math.min(expiresAtMs, now + windowMs)));
  }

  /** Entries held now (for tests of the bound). */
  public long size() {
    return entries.size();
  }

  /**
   * Makes room: drops every entry past its time, and if that freed less than a sixteenth of the
   * bound, drops entries in the map's order until it has.
   */
  private void sweep(long now) {
    long target = maxEntries - Math.max(1, maxEntries / 16);
    entries.values().removeIf(e -> now >= e.usableUntilMs);
    Iterator<Key> keys = entries.keySet().iterator();
    while (entries.size() > target && keys.hasNext()) {
      keys.next();
      keys.remove();
    }
  }

  private static Key key(String token) {
    ByteBuffer d = ByteBuffer.wrap(SHA256.get().digest(token.getBytes(StandardCharsets.UTF_8)));
    return new Key(d.getLong(), d.getLong(), d.getLong(), d.getLong());
  }

  /** The 256-bit digest as four longs: cheap to hash and compare. */
  private record Key(long a, long b, long c, long d) {}

  private record Entry(Identity identity, long usableUntilMs) {}
}

package io.linkgate.router.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.linkgate.api.auth.Identity;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;

/**
 * Tokens verified lately, so that a client presenting the same token on every request (an HTTP
 * tunnel uplink POST, a dispatch call) pays for one signature check and JSON parse per window, not
 * per request. Keyed by the token's SHA-256, so the cache holds no token a heap dump could replay;
 * bounded in entries; an entry is used only until the token's own {@code exp} and for at most the
 * window. Only tokens that verified are kept: garbage costs a hash and a miss, never memory.
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

  private final Cache<Key, Entry> entries;
  private final Clock clock;
  private final long windowMs;

  public VerifiedTokens(long maxEntries, Duration window, Clock clock) {
    // Maintenance on the caller's thread, as in the router's other caches: the default hands it
    // to the common pool, a thread wake-up every few lookups on the request path.
    this.entries =
        Caffeine.newBuilder()
            .maximumSize(maxEntries)
            .expireAfterWrite(window)
            .executor(Runnable::run)
            .build();
    this.clock = clock;
    this.windowMs = window.toMillis();
  }

  /** The identity {@code token} verified as, if it did lately and has not expired since. */
  public Identity lookup(String token) {
    Entry e = entries.getIfPresent(key(token));
    return e != null && clock.millis() < e.usableUntilMs ? e.identity : null;
  }

  /** Remembers that {@code token} verified as {@code identity} and expires at {@code expiresAtMs}. */
  public void remember(String token, Identity identity, long expiresAtMs) {
    entries.put(key(token), new Entry(identity, Math.min(expiresAtMs, clock.millis() + windowMs)));
  }

  /** Entries held now (for tests of the bound). */
  public long size() {
    entries.cleanUp();
    return entries.estimatedSize();
  }

  private static Key key(String token) {
    ByteBuffer d = ByteBuffer.wrap(SHA256.get().digest(token.getBytes(StandardCharsets.UTF_8)));
    return new Key(d.getLong(), d.getLong(), d.getLong(), d.getLong());
  }

  /** The 256-bit digest as four longs: cheap to hash and compare. */
  private record Key(long a, long b, long c, long d) {}

  private record Entry(Identity identity, long usableUntilMs) {}
}

package io.linkgate.router.internal;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.linkgate.router.DeviceSession;
import io.linkgate.router.store.SessionRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Lookups of who is online, in front of the registry: bounded, short-lived, and dropped whenever the
 * registry reports a change for the user (locally at once; from other nodes as their store tells).
 * Concurrent lookups of one user share one registry call.
 */
final class SessionCache {
  private final AsyncLoadingCache<String, List<DeviceSession>> cache;

  SessionCache(SessionRegistry registry, long maxUsers, Duration ttl) {
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maxUsers)
            .expireAfterWrite(ttl)
            .executor(Runnable::run)
            .recordStats()
            .buildAsync((user, executor) -> registry.lookup(user).toCompletableFuture());
  }

  CompletableFuture<List<DeviceSession>> get(String userId) {
    return cache.get(userId);
  }

  /** Lookups answered from the cache, and those that went to the registry. */
  long[] hitsAndMisses() {
    var stats = cache.synchronous().stats();
    return new long[] {stats.hitCount(), stats.missCount()};
  }

  void invalidate(String userId) {
    cache.synchronous().invalidate(userId);
  }
}

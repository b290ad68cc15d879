package io.linkgate.server;

import java.time.Duration;

/**
 * Delivery settings of the node's router.
 *
 * @param inboxCapacity messages kept per user for resume; default 1000
 * @param dedupCapacity remembered (user, client_msg_id) pairs that make resends idempotent;
 *     default 100000
 * @param dedupTtl how long a send is remembered for deduplication; default 10m
 * @param inboxMaxUsers users whose seq space and inbox are kept in memory; past it the least
 *     recently used are dropped (their epoch changes when they return); default 100000
 * @param inboxIdleTtl a user untouched this long is dropped the same way; default 24h
 */
public record RouterConfig(
    Integer inboxCapacity,
    Integer dedupCapacity,
    Duration dedupTtl,
    Long inboxMaxUsers,
    Duration inboxIdleTtl) {
  public RouterConfig {
    inboxCapacity = inboxCapacity == null ? 1000 : inboxCapacity;
    dedupCapacity = dedupCapacity == null ? 100_000 : dedupCapacity;
    dedupTtl = dedupTtl == null ? Duration.ofMinutes(10) : dedupTtl;
    inboxMaxUsers = inboxMaxUsers == null ? 100_000L : inboxMaxUsers;
    inboxIdleTtl = inboxIdleTtl == null ? Duration.ofHours(24) : inboxIdleTtl;
    if (inboxMaxUsers <= 0) {
      throw new ConfigException("inbox-max-users must be positive, got " + inboxMaxUsers);
    }
    LimitsConfig.requirePositive(inboxIdleTtl, "inbox-idle-ttl");
    if (inboxCapacity <= 0) {
      throw new ConfigException("inbox-capacity must be positive, got " + inboxCapacity);
    }
    if (dedupCapacity <= 0) {
      throw new ConfigException("dedup-capacity must be positive, got " + dedupCapacity);
    }
    LimitsConfig.requirePositive(dedupTtl, "dedup-ttl");
  }

  public static RouterConfig defaults() {
    return new RouterConfig(null, null, null, null, null);
  }
}

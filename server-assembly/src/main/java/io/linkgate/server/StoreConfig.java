package io.linkgate.server;

import java.time.Duration;
import java.util.List;

/**
 * Where the node keeps sessions, seqs and inboxes. {@code memory} (the default) keeps them in this
 * process: a single node, no external service. {@code redis} shares them with every node and
 * business service using the same Redis and key prefix: a cluster.
 *
 * @param type {@code memory} or {@code redis}
 * @param uri for redis: {@code redis://host:port} (required)
 * @param keyPrefix for redis: before every key and channel; default {@code lg:}
 * @param nodeTtl for redis: a node silent this long is dead; default 5s
 * @param commandTimeout for redis: a call slower than this fails with UNAVAILABLE; default 2s
 * @param sendClaimTtl for redis: how long a send in progress on a node that died blocks its
 *     retries; default 10s
 */
public record StoreConfig(
    String type, String uri, String keyPrefix, Duration nodeTtl, Duration commandTimeout, Duration sendClaimTtl) {
  public static final String MEMORY = "memory";
  public static final String REDIS = "redis";
  static final List<String> TYPES = List.of(MEMORY, REDIS);

  public StoreConfig {
    type = type == null || type.isBlank() ? MEMORY : type.trim();
    if (!TYPES.contains(type)) {
      throw new ConfigException("store.type must be one of " + TYPES + ", got '" + type + "'");
    }
    if (type.equals(REDIS)) {
      if (uri == null || uri.isBlank()) {
        throw new ConfigException("store.uri is required for store.type redis (redis://host:port)");
      }
      if (!uri.startsWith("redis://") && !uri.startsWith("rediss://")) {
        throw new ConfigException("store.uri must start with redis:// or rediss://, got '" + uri + "'");
      }
      keyPrefix = keyPrefix == null ? "lg:" : keyPrefix;
      if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
        throw new ConfigException("store.key-prefix must not contain '{' or '}', got '" + keyPrefix + "'");
      }
      nodeTtl = nodeTtl == null ? Duration.ofSeconds(5) : nodeTtl;
      commandTimeout = commandTimeout == null ? Duration.ofSeconds(2) : commandTimeout;
      sendClaimTtl = sendClaimTtl == null ? Duration.ofSeconds(10) : sendClaimTtl;
      if (nodeTtl.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new ConfigException("store.node-ttl must be at least 1s, got " + nodeTtl);
      }
      LimitsConfig.requirePositive(commandTimeout, "store.command-timeout");
      LimitsConfig.requirePositive(sendClaimTtl, "store.send-claim-ttl");
    } else if (uri != null || keyPrefix != null || nodeTtl != null || commandTimeout != null || sendClaimTtl != null) {
      throw new ConfigException(
          "store.uri, key-prefix, node-ttl, command-timeout and send-claim-ttl apply to store.type redis only");
    }
  }

  public static StoreConfig memory() {
    return new StoreConfig(null, null, null, null, null, null);
  }

  public static StoreConfig redis(String uri) {
    return new StoreConfig(REDIS, uri, null, null, null, null);
  }

  /** For the startup log: the type and, for Redis, where it is, without a password. */
  public String describe() {
    return type.equals(MEMORY)
        ? "memory (this node only)"
        : "redis at " + uri.replaceAll("//[^@/]*@", "//***@") + ", key prefix '" + keyPrefix + "'";
  }
}

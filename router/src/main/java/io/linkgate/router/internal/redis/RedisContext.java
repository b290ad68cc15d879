package io.linkgate.router.internal.redis;

import io.lettuce.core.api.async.RedisAsyncCommands;
import io.linkgate.router.store.RedisRouterStore;

/**
 * What the parts of one Redis store share: the command connection (Lettuce pipelines the calls of
 * every thread on it), the key layout, the options, and the id of the node using the store, known
 * once its router subscribes.
 */
final class RedisContext {
  private final RedisAsyncCommands<byte[], byte[]> commands;
  private final RedisKeys keys;
  private final RedisRouterStore.Options options;
  private volatile String nodeId;

  RedisContext(RedisAsyncCommands<byte[], byte[]> commands, RedisRouterStore.Options options) {
    this.commands = commands;
    this.keys = new RedisKeys(options.keyPrefix());
    this.options = options;
  }

  RedisAsyncCommands<byte[], byte[]> commands() {
    return commands;
  }

  RedisKeys keys() {
    return keys;
  }

  RedisRouterStore.Options options() {
    return options;
  }

  /** @throws IllegalStateException before a router subscribed */
  String nodeId() {
    String n = nodeId;
    if (n == null) {
      throw new IllegalStateException("no router uses this Redis store yet");
    }
    return n;
  }

  /** @throws IllegalStateException if another router already uses this store */
  synchronized void bindNode(String id) {
    SessionEntry.checkId("node id", id);
    if (nodeId != null) {
      throw new IllegalStateException(
          "this Redis store already serves node " + nodeId + "; give each router its own store");
    }
    nodeId = id;
  }
}

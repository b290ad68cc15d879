package io.linkgate.router.internal.redis;

import java.nio.charset.StandardCharsets;

/**
 * Every key and channel the Redis store uses, under one prefix. A user's keys share the hash tag
 * {@code {u:<user>}} and a node's keys {@code {n:<node>}}, so each script touches one slot and the
 * layout works on Redis Cluster as well as on one Redis.
 */
final class RedisKeys {
  private final String prefix;

  RedisKeys(String prefix) {
    if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
      throw new IllegalArgumentException("key prefix must not contain '{' or '}': " + prefix);
    }
    this.prefix = prefix;
  }

  /** Hash: {@code e} the epoch, {@code s} the last seq. */
  byte[] seq(String user) {
    return bytes(prefix + "{u:" + user + "}:seq");
  }

  /** List of inbox entries, oldest first (see {@link InboxEntry}). */
  byte[] inbox(String user) {
    return bytes(prefix + "{u:" + user + "}:inbox");
  }

  /** Hash: device id to {@link SessionValue}. */
  byte[] sessions(String user) {
    return bytes(prefix + "{u:" + user + "}:sess");
  }

  /** The answer to one send, for idempotent retries. */
  byte[] sendAnswer(String user, String clientMsgId) {
    return bytes(prefix + "{u:" + user + "}:send:" + clientMsgId);
  }

  /** Set when the node is alive; expires when it stops refreshing it. */
  byte[] nodeAlive(String node) {
    return bytes(prefix + "{n:" + node + "}:alive");
  }

  /** Set of users with sessions registered by the node, for cleanup when it dies. */
  byte[] nodeUsers(String node) {
    return bytes(prefix + "{n:" + node + "}:users");
  }

  /** Held by the surviving node that cleans up after a dead one. */
  byte[] nodeCleanup(String node) {
    return bytes(prefix + "{n:" + node + "}:cleanup");
  }

  /** Hash: node id to its published {@code NodeStatus}, for dispatch. */
  byte[] nodeStatuses() {
    return bytes(prefix + "nodestatus");
  }

  /** Set of every node id seen. */
  byte[] nodes() {
    return bytes(prefix + "nodes");
  }

  /** Pub/sub: the pushes for devices on {@code node}. */
  String nodeChannelPrefix() {
    return prefix + "ch:node:";
  }

  byte[] nodeChannel(String node) {
    return bytes(nodeChannelPrefix() + node);
  }

  /** Pub/sub: device frames (acks, subscriptions) other nodes received for downlinks on {@code node}. */
  byte[] deviceChannel(String node) {
    return bytes(prefix + "ch:device:" + node);
  }

  /** Pub/sub: messages of one room, to the nodes with members. */
  byte[] roomChannel(String room) {
    return bytes(prefix + "ch:room:" + room);
  }

  String roomOf(byte[] channel) {
    String c = new String(channel, StandardCharsets.UTF_8);
    return c.substring((prefix + "ch:room:").length());
  }

  boolean isRoomChannel(byte[] channel) {
    return new String(channel, StandardCharsets.UTF_8).startsWith(prefix + "ch:room:");
  }

  /** Pub/sub: a user id whenever that user's sessions change, for near caches. */
  byte[] sessionChanges() {
    return bytes(prefix + "ch:sessions");
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

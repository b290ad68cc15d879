package io.linkgate.router.internal.redis;

import com.google.protobuf.InvalidProtocolBufferException;
import io.linkgate.api.proto.NodeStatus;
import io.linkgate.router.store.NodeDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node statuses in one Redis hash, field = node id: a dispatch call reads every node in one round
 * trip. Redis 7.0 cannot expire a field, so a status is listed only while its node is alive by the
 * liveness keys and its own timestamp is fresh; the fields of dead nodes are removed by whoever
 * reads them first.
 */
final class RedisNodeDirectory implements NodeDirectory {
  private static final Logger log = LoggerFactory.getLogger(RedisNodeDirectory.class);

  private final RedisContext redis;
  private final NodeLiveness liveness;

  RedisNodeDirectory(RedisContext redis, NodeLiveness liveness) {
    this.redis = redis;
    this.liveness = liveness;
  }

  @Override
  public CompletionStage<Void> publish(NodeStatus status) {
    return redis.commands()
        .hset(redis.keys().nodeStatuses(), Redis.utf8(status.getNodeId()), status.toByteArray())
        .thenApply(added -> null);
  }

  @Override
  public CompletionStage<List<NodeStatus>> nodes() {
    return redis.commands().hgetall(redis.keys().nodeStatuses()).thenApply(this::live);
  }

  @Override
  public CompletionStage<Void> withdraw(String nodeId) {
    return redis.commands().hdel(redis.keys().nodeStatuses(), Redis.utf8(nodeId)).thenApply(n -> null);
  }

  private List<NodeStatus> live(Map<byte[], byte[]> fields) {
    long oldest = System.currentTimeMillis() - STALE_AFTER_MS;
    List<NodeStatus> out = new ArrayList<>(fields.size());
    for (Map.Entry<byte[], byte[]> field : fields.entrySet()) {
      String node = Redis.utf8(field.getKey());
      NodeStatus status;
      try {
        status = NodeStatus.parseFrom(field.getValue());
      } catch (InvalidProtocolBufferException e) {
        log.debug("ignoring an unreadable status of node {}: {}", node, e.getMessage());
        continue;
      }
      if (liveness.isDead(node)) {
        withdraw(node);
      } else if (status.getUpdatedAtMs() >= oldest) {
        out.add(status);
      }
    }
    return out;
  }
}

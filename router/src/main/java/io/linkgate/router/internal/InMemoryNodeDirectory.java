package io.linkgate.router.internal;

import io.linkgate.api.proto.NodeStatus;
import io.linkgate.router.store.NodeDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The node directory of an in-memory store: the nodes whose routers share this store in one JVM
 * (usually one). Bounded by the number of nodes, which publish their own entries.
 */
public final class InMemoryNodeDirectory implements NodeDirectory {
  private static final int MAX_NODES = 10_000;
  private final ConcurrentMap<String, NodeStatus> statuses = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<Void> publish(NodeStatus status) {
    if (statuses.size() >= MAX_NODES && !statuses.containsKey(status.getNodeId())) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("node directory full (" + MAX_NODES + " nodes)"));
    }
    statuses.put(status.getNodeId(), status);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<List<NodeStatus>> nodes() {
    long oldest = System.currentTimeMillis() - STALE_AFTER_MS;
    List<NodeStatus> out = new ArrayList<>(statuses.size());
    for (NodeStatus s : statuses.values()) {
      if (s.getUpdatedAtMs() >= oldest) {
        out.add(s);
      }
    }
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public CompletionStage<Void> withdraw(String nodeId) {
    statuses.remove(nodeId);
    return CompletableFuture.completedFuture(null);
  }
}

package io.linkgate.router.store;

import io.linkgate.api.proto.NodeStatus;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What each node says about itself (its advertised endpoints, load level, whether it is draining),
 * shared by every node of a cluster so that any of them can answer dispatch and hint draining
 * clients towards the others. In a single node it holds that node alone.
 *
 * <p>A node publishes its status every second or so; a status nobody refreshed for {@link
 * #STALE_AFTER_MS} is no longer listed, and in a store with node liveness (Redis) neither is the
 * status of a node found dead. Asynchronous and non-blocking, like every store part.
 */
public interface NodeDirectory {
  /** A status older than this is treated as the node's absence, whatever else the store knows. */
  long STALE_AFTER_MS = 15_000;

  /** Publishes or replaces this node's status. */
  CompletionStage<Void> publish(NodeStatus status);

  /** Every listed node's latest status, the caller's own included; in no particular order. */
  CompletionStage<List<NodeStatus>> nodes();

  /** Removes the node's status: it is leaving. */
  CompletionStage<Void> withdraw(String nodeId);
}

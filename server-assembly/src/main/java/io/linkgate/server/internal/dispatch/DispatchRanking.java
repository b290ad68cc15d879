package io.linkgate.server.internal.dispatch;

import io.linkgate.api.proto.DispatchResponse;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.NodeStatus;
import io.linkgate.api.proto.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Orders the endpoints of the nodes a client may use, best first. Per endpoint: the node's load
 * level plus what clients reported against the endpoint ({@link OutcomeBoard}); among equals, an
 * order of nodes drawn from the user id (stable, so one user's devices tend to land together, and
 * different per user, so equal nodes share the users); within a node, the order it advertises
 * (its preferred transports first). Draining nodes are never listed.
 */
final class DispatchRanking {
  private DispatchRanking() {}

  /** The ranked endpoints of {@code role} over {@code nodes}, leaving out {@code excludeNode} (may be null). */
  static List<Endpoint> rank(List<NodeStatus> nodes, OutcomeBoard board, String userId, Role role, String excludeNode) {
    record Ranked(Endpoint endpoint, int score, int nodeOrder, int index) {}
    List<Ranked> ranked = new ArrayList<>();
    for (NodeStatus node : nodes) {
      if (node.getDraining() || node.getNodeId().equals(excludeNode)) {
        continue;
      }
      int nodeOrder = mix(userId, node.getNodeId());
      int index = 0;
      for (Endpoint e : node.getEndpointsList()) {
        if (e.getRole() == role) {
          Endpoint listed = e.toBuilder().setLoadLevel(node.getLoadLevel()).build();
          ranked.add(new Ranked(listed, node.getLoadLevel() + board.penalty(e), nodeOrder, index++));
        }
      }
    }
    ranked.sort(Comparator.comparingInt(Ranked::score).thenComparingInt(Ranked::nodeOrder).thenComparingInt(Ranked::index));
    return ranked.stream().map(Ranked::endpoint).toList();
  }

  /** A whole answer: both roles, the heartbeat bounds and time-to-live. */
  static DispatchResponse answer(
      List<NodeStatus> nodes, OutcomeBoard board, String userId, String answeringNode, int hbMinMs, int hbMaxMs, int ttlMs) {
    return DispatchResponse.newBuilder()
        .addAllDownlink(rank(nodes, board, userId, Role.DOWNLINK, null))
        .addAllUplink(rank(nodes, board, userId, Role.UPLINK, null))
        .setHeartbeatMinMs(hbMinMs)
        .setHeartbeatMaxMs(hbMaxMs)
        .setTtlMs(ttlMs)
        .setNodeId(answeringNode)
        .build();
  }

  /** A well-mixed hash of the pair (murmur3's finalizer): String.hashCode alone orders "n1", "n2"... alike for most users. */
  private static int mix(String userId, String nodeId) {
    long h = userId.hashCode() * 0x9E3779B97F4A7C15L + nodeId.hashCode() * 0xC2B2AE3D27D4EB4FL;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h;
  }
}

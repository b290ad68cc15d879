package io.linkgate.tck;

import io.linkgate.router.store.RouterStore;

/**
 * Where the kit's nodes keep sessions, seqs and inboxes when the kit runs against a cluster: one
 * store per node, all sharing one backend (a Redis, say), so that a device on one node and its
 * sender on another must meet through it. The kit closes each store with its node.
 */
@FunctionalInterface
public interface NodeStores {
  /**
   * @param nodeId the node the store is for
   * @param inboxCapacity pushes kept per user; the kit's checks overflow it on purpose
   */
  RouterStore open(String nodeId, int inboxCapacity);
}

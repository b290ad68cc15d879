package io.linkgate.router.store;

import io.linkgate.router.internal.InMemoryRouterStore;
import java.time.Duration;

/**
 * Where the router keeps what must outlive a connection, or be shared by the nodes of a cluster: the
 * session registry, the per-user seq spaces and inboxes, and the notices nodes send each other.
 *
 * <p>Every operation is asynchronous and must never block the caller (transports call the router on
 * their event loops). The in-memory default keeps everything in this JVM; a store shared by several
 * nodes (Redis) implements the same three parts.
 */
public interface RouterStore extends AutoCloseable {
  SessionRegistry sessions();

  Inboxes inboxes();

  NoticeBus notices();

  /**
   * A store in this JVM's memory: the default. Several routers sharing one behave as nodes of one
   * cluster (useful in tests and when a service embeds a router beside a gateway in one process).
   *
   * @param inboxCapacity pushes kept per user
   * @param maxUsers users whose seq space is kept; past it the least recently used are dropped
   * @param idleTtl users untouched for this long are dropped (their epoch changes on return)
   */
  static RouterStore inMemory(int inboxCapacity, long maxUsers, Duration idleTtl) {
    return new InMemoryRouterStore(inboxCapacity, maxUsers, idleTtl);
  }

  /** Releases the store's resources. Idempotent. */
  @Override
  default void close() {}
}

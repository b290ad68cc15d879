package io.linkgate.router.store;

import io.linkgate.router.internal.InMemoryRouterStore;
import java.time.Duration;
import java.util.Optional;

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

  /** What the nodes sharing this store publish about themselves, for dispatch and drain hints. */
  NodeDirectory nodes();

  /**
   * Where answers to sends are shared between nodes for idempotent retries; empty when the store
   * serves one JVM (the router's own cache is enough then).
   */
  default Optional<SendAnswers> sendAnswers() {
    return Optional.empty();
  }

  /**
   * Whether the store can be reached now. A node that cannot reach its store cannot accept sends or
   * new downlinks and should report itself not ready. Never blocks; default true.
   */
  default boolean isAvailable() {
    return true;
  }

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

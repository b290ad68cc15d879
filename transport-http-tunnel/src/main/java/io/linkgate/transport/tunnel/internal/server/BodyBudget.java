package io.linkgate.transport.tunnel.internal.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies one server holds at once, over all its requests. Each request is
 * bounded by itself (its size limit, its deadline), but the number of connections is not: this
 * bound keeps many slow or half-sent bodies together from running the node out of memory.
 */
final class BodyBudget {
  private final long limitBytes;
  private final AtomicLong used = new AtomicLong();

  BodyBudget(long limitBytes) {
    this.limitBytes = limitBytes;
  }

  /** Takes {@code bytes} from the budget; false, taking nothing, if that would pass the limit. */
  boolean tryReserve(long bytes) {
    while (true) {
      long now = used.get();
      if (now + bytes > limitBytes) {
        return false;
      }
      if (used.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  void release(long bytes) {
    used.addAndGet(-bytes);
  }

  /** Bytes reserved now (for tests and monitoring). */
  long used() {
    return used.get();
  }

  long limitBytes() {
    return limitBytes;
  }
}

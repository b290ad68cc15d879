package io.linkgate.client.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Thread naming and task wrappers shared by the client's two threads. */
public final class Threads {
  private static final Logger log = LoggerFactory.getLogger(Threads.class);
  private static final AtomicInteger CLIENTS = new AtomicInteger();

  private Threads() {}

  /** A number that tells one client's threads from another's. */
  public static int nextClientId() {
    return CLIENTS.incrementAndGet();
  }

  /** Daemon threads: a client the app forgot to close must not keep the JVM alive. */
  public static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Runs {@code task} on {@code executor}; does nothing once the executor has shut down (the client
   * is closing, so the event no longer matters). Safe to call from transport threads: never blocks.
   */
  public static void post(Executor executor, Runnable task) {
    try {
      executor.execute(guarded(task));
    } catch (RejectedExecutionException closed) {
      log.debug("dropping a task: the client is closed");
    }
  }

  /** A task that logs what it throws instead of letting the executor swallow it unseen. */
  public static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        log.warn("linkgate client task failed", e);
      }
    };
  }
}

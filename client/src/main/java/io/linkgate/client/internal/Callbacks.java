package io.linkgate.client.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that runs the app's code: push and state listeners and the continuations of send
 * results, in the order they were posted. Pushes waiting for it are counted and bounded; the
 * downlink pauses past the bound and resumes once the app has caught up.
 */
public final class Callbacks implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Callbacks.class);

  private final ExecutorService thread;
  private final int maxQueuedPushes;
  private final AtomicInteger queuedPushes = new AtomicInteger();
  private final AtomicReference<Runnable> drainWaiter = new AtomicReference<>();
  private volatile Thread owner;
  private volatile boolean pushesStopped;

  public Callbacks(String name, int maxQueuedPushes) {
    this.thread = Executors.newSingleThreadExecutor(Threads.daemon(name));
    this.maxQueuedPushes = maxQueuedPushes;
    Threads.post(thread, () -> owner = Thread.currentThread());
  }

  /** Runs app code later, in order; what it throws is logged, not propagated. */
  public void run(Runnable appCode) {
    Threads.post(thread, () -> invoke(appCode));
  }

  /**
   * Queues the delivery of one push, unless {@code maxQueuedPushes} are already waiting.
   *
   * @return false when full: the push was not queued
   */
  public boolean offerPush(Runnable delivery) {
    if (queuedPushes.incrementAndGet() > maxQueuedPushes) {
      queuedPushes.decrementAndGet();
      return false;
    }
    Threads.post(thread, () -> {
      try {
        if (!pushesStopped) {
          invoke(delivery);
        }
      } finally {
        int left = queuedPushes.decrementAndGet();
        if (left <= maxQueuedPushes / 2) {
          Runnable waiter = drainWaiter.getAndSet(null);
          if (waiter != null) {
            waiter.run();
          }
        }
      }
    });
    return true;
  }

  /** Runs {@code then} (on this thread) once at most half the bound is waiting; now if already so. */
  public void whenDrained(Runnable then) {
    drainWaiter.set(then);
    if (queuedPushes.get() <= maxQueuedPushes / 2) {
      Runnable waiter = drainWaiter.getAndSet(null);
      if (waiter != null) {
        Threads.post(thread, waiter);
      }
    }
  }

  public int queuedPushes() {
    return queuedPushes.get();
  }

  /** Whether the caller is the callback thread (where waiting for the client to close would hang). */
  public boolean isCallbackThread() {
    return Thread.currentThread() == owner;
  }

  private static void invoke(Runnable appCode) {
    try {
      appCode.run();
    } catch (RuntimeException e) {
      log.warn("a linkgate client listener threw; carrying on", e);
    }
  }

  /**
   * Pushes still queued are dropped from now on (not delivered, so the cursor does not pass them);
   * other callbacks still run.
   */
  public void stopPushes() {
    pushesStopped = true;
  }

  /** Lets queued callbacks finish (bounded wait), then stops the thread. */
  @Override
  public void close() {
    thread.shutdown();
    if (isCallbackThread()) {
      return;
    }
    try {
      if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("linkgate client callbacks still running after 5 s; abandoning them");
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thread.shutdownNow();
    }
  }
}

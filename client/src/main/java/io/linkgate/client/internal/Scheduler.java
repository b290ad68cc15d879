package io.linkgate.client.internal;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The client's one scheduler thread: timers, and every change to connection state. Knowing its own
 * thread lets a completion that is already on it run at once instead of queueing behind frames
 * that arrived meanwhile, which keeps "welcome, then pushes" in order.
 */
public final class Scheduler extends ScheduledThreadPoolExecutor {
  private volatile Thread thread;

  public Scheduler(String name) {
    super(1);
    setThreadFactory(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true); // a client the app forgot to close must not keep the JVM alive
      thread = t;
      return t;
    });
    setRemoveOnCancelPolicy(true);
    setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  public boolean inThread() {
    return Thread.currentThread() == thread;
  }

  /** Runs {@code task} now if called on the scheduler thread, else queues it. Never blocks. */
  public void runOrPost(Runnable task) {
    if (inThread()) {
      Threads.guarded(task).run();
    } else {
      Threads.post(this, task);
    }
  }
}

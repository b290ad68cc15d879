package io.linkgate.server.internal;

import io.linkgate.router.Router;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a node down without losing what clients hold: stop accepting, tell every downlink to go
 * away (clients reconnect elsewhere and resume from their last seq), give the goodbyes time to
 * leave, then close the transports and the router, all within a bounded grace.
 */
public final class GracefulShutdown {
  private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);
  public static final String DRAIN_REASON = "node draining";

  private final Listeners listeners;
  private final Router router;
  private final Supplier<CompletionStage<Integer>> drainDownlinks;
  private final AutoCloseable store;
  private final Duration grace;
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  /**
   * @param drainDownlinks sends every downlink its GoAway (perhaps spread over a while, with hints
   *     where to go); completes once the last one was sent
   */
  public GracefulShutdown(
      Listeners listeners, Router router, Supplier<CompletionStage<Integer>> drainDownlinks, AutoCloseable store, Duration grace) {
    this.listeners = listeners;
    this.router = router;
    this.drainDownlinks = drainDownlinks;
    this.store = store;
    this.grace = grace;
  }

  /** Completes once the node is down, however the shutdown went. */
  public CompletableFuture<Void> done() {
    return done;
  }

  /** An operator's drain: stop accepting and send every downlink a GoAway; the process stays up. */
  public void drainOnly() {
    log.info("node {} draining on request", router.nodeId());
    listeners.stopAccepting();
    drainDownlinks.get();
  }

  /** Runs the whole sequence on the calling thread. Call once. */
  public void run() {
    long start = System.nanoTime();
    long deadline = start + grace.toNanos();
    try {
      log.info("node {} shutting down (grace {})", router.nodeId(), Durations.format(grace));
      listeners.stopAccepting();
      int downlinks = router.localDownlinkCount();
      long drainDeadline = start + grace.toNanos() / 2;
      try {
        drainDownlinks.get().toCompletableFuture().get(Math.max(0, drainDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        log.warn("sending the GoAways did not finish in time: {}", e.toString());
      }
      // Half the grace for the GoAway frames to be flushed and the downlinks to close by themselves.
      boolean drained = awaitNoDownlinks(drainDeadline);
      if (!drained) {
        log.warn("{} downlink(s) still open after the drain wait; closing them", router.localDownlinkCount());
      } else if (downlinks > 0) {
        log.info("drained {} downlink(s)", downlinks);
      }
      long left = Math.max(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(100));
      try {
        listeners.shutdownAll().get(left, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        log.warn("transports did not finish shutting down within the grace; exiting anyway");
      } catch (ExecutionException e) {
        log.warn("a transport failed to shut down cleanly: {}", e.getCause().toString());
      }
      router.close();
      log.info("node {} stopped", router.nodeId());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      router.close();
    } catch (RuntimeException e) {
      log.warn("shutdown did not complete cleanly: {}", e.toString());
      router.close();
    } finally {
      closeStore();
      done.complete(null);
    }
  }

  /** After the router: its last unregisters still go to a shared store. */
  private void closeStore() {
    try {
      store.close();
    } catch (Exception e) {
      log.warn("could not close the store: {}", e.toString());
    }
  }

  private boolean awaitNoDownlinks(long deadlineNanos) throws InterruptedException {
    // The router has no "all closed" signal, so poll its count; bounded by the deadline.
    while (router.localDownlinkCount() > 0) {
      if (System.nanoTime() >= deadlineNanos) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }
}

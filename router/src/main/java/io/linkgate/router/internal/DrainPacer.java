package io.linkgate.router.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a drain's closers in slices spread evenly over a window: at most one slice every 50 ms, so a
 * node with 100,000 downlinks draining over 10 s sends 500 GoAways per slice, not 100,000 at once.
 */
final class DrainPacer {
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private DrainPacer() {}

  /** Runs every closer, the last ones by the end of {@code window}; on the calling thread. */
  static void run(List<Runnable> closers, Duration window) {
    int total = closers.size();
    long windowNanos = Math.max(0, window.toNanos());
    int slices = (int) Math.max(1, Math.min(total, windowNanos / SLICE_NANOS));
    long start = System.nanoTime();
    int next = 0;
    for (int slice = 1; slice <= slices; slice++) {
      int end = (int) ((long) total * slice / slices);
      for (; next < end; next++) {
        try {
          closers.get(next).run();
        } catch (RuntimeException e) {
          // One transport failing to close a channel must not stop the rest of the drain.
          org.slf4j.LoggerFactory.getLogger(DrainPacer.class).debug("drain close failed: {}", e.toString());
        }
      }
      if (slice < slices) {
        long due = start + windowNanos * slice / slices;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          try {
            TimeUnit.NANOSECONDS.sleep(wait);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            windowNanos = 0; // interrupted: close the rest now
          }
        }
      }
    }
  }
}

package io.linkgate.bench.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Two counters of this process that explain a run's cost beside its CPU time: the heap bytes its
 * live threads have allocated, and the minor page faults it has taken. On ZGC a fresh heap page is
 * zeroed and mapped by the kernel the first time it is touched, once for each of the heap's views,
 * so a server that allocates into memory it has not used yet pays a fault every 4 KB; the fault
 * count shows when a run was paying that (both figures are monotonic; callers take differences).
 */
final class ProcessCounters {
  private ProcessCounters() {}

  /** Heap bytes allocated so far by the threads alive now; -1 if the JVM does not say. */
  static long allocatedBytes() {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
        || !threads.isThreadAllocatedMemorySupported()) {
      return -1;
    }
    long sum = 0;
    for (long a : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      if (a > 0) {
        sum += a;
      }
    }
    return sum;
  }

  /** Minor page faults of this process so far (Linux {@code /proc/self/stat}); -1 elsewhere. */
  static long minorFaults() {
    try {
      return minorFaults(Files.readString(Path.of("/proc/self/stat")));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * The {@code minflt} field of a {@code /proc/<pid>/stat} line: the 10th, counted after the
   * command name, which is in parentheses and may itself hold spaces or parentheses.
   */
  static long minorFaults(String stat) {
    String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(after[7]);
  }
}

package io.linkgate.bench.fanout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of another process, every thread, from {@code /proc/<pid>/stat}: works the same for the
 * JVM and the Node processes, which is the point (Linux only).
 */
final class ProcessCpu {
  /** {@code /proc} counts in USER_HZ, which the kernel ABI fixes at 100 a second. */
  static final long NANOS_PER_TICK = 10_000_000L;

  private ProcessCpu() {}

  /**
   * utime + stime of a {@code stat} line, in ticks. The command name (field 2) is in parentheses
   * and may hold spaces and parentheses itself, so the fields are counted from the last ')'.
   */
  static long ticks(String statLine) {
    int close = statLine.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + statLine);
    }
    String[] f = statLine.substring(close + 1).trim().split("\\s+");
    // After the name: state(3) ppid(4) ... utime(14) stime(15), so utime is the 12th field here.
    if (f.length < 13) {
      throw new IllegalArgumentException("too few fields in /proc/<pid>/stat: " + statLine);
    }
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** CPU time of process {@code pid} so far in nanoseconds (10 ms resolution); -1 if unknown. */
  static long nanos(long pid) {
    try {
      String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      return ticks(line) * NANOS_PER_TICK;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}

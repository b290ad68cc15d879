package io.linkgate.bench.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a report says about the machine and the run's surroundings; shared by the benchmarks. */
public final class RunInfo {
  private RunInfo() {}

  /** The 1, 5 and 15 minute load averages ({@code /proc/loadavg}), or "unknown". */
  public static String loadAverage() {
    String s = readFile("/proc/loadavg");
    String[] parts = s.split("\\s+");
    return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : s;
  }

  /** Cores, I/O, file limit, Java version and ephemeral port range of this (the driver's) JVM. */
  public static Map<String, Object> machine(String io) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("io", io);
    m.put("maxOpenFilesPerProcess", ServerMain.maxFiles());
    m.put("java", System.getProperty("java.version"));
    m.put("ephemeralPorts", readFile("/proc/sys/net/ipv4/ip_local_port_range"));
    return m;
  }

  /** CPU time of this whole process (every thread, GC included), in nanoseconds; -1 if unknown. */
  public static long processCpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** Alternates which server goes first, run by run, so noise lands on both. */
  public static List<String> order(int run, String first, String second) {
    return run % 2 == 0 ? List.of(first, second) : List.of(second, first);
  }

  static String readFile(String path) {
    try {
      // procfs files report no size: read the stream to its end rather than by the size.
      try (var in = Files.newInputStream(Path.of(path))) {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim().replace('\t', '-');
      }
    } catch (IOException e) {
      return "unknown";
    }
  }
}

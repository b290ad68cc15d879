package io.linkgate.bench.internal;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * What a server process holds in memory, read inside the process after full collections: the heap
 * (used and committed), direct buffers, resident memory as the kernel splits it ({@code
 * /proc/self/status}: anonymous, file-backed, shared; ZGC's heap on JDK 17 is shared memory, a
 * {@code memfd}), and, when the JVM runs with {@code -XX:NativeMemoryTracking=summary}, what the
 * JVM has committed per Native Memory Tracking category.
 *
 * <p>The result is one line of {@code key=value} pairs (bytes) for the driver: {@code nmt.<category>}
 * for each category, spaces in its name as underscores.
 */
public final class MemoryProbe {
  private static final Pattern NMT_LINE =
      Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");
  private static final Pattern NMT_TOTAL =
      Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB");

  private MemoryProbe() {}

  /**
   * The figures: the heap's after full collections (used: the lowest of three), the rest {@code
   * settleSeconds} later, so that the collector has had that long to give back to the OS what the
   * collections freed (ZGC does once memory has been unused for {@code -XX:ZUncommitDelay}).
   */
  public static Map<String, Long> read(int settleSeconds) {
    long heap = Long.MAX_VALUE;
    for (int k = 0; k < 3; k++) {
      System.gc();
      sleep(150); // let reference processing and cleaners settle between collections
      heap = Math.min(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    sleep(settleSeconds * 1000L);
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("heap", heap);
    m.put("heapCommitted", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted());
    long direct = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        direct = pool.getMemoryUsed();
      }
    }
    m.put("direct", direct);
    m.put("nettyDirect", io.netty.util.internal.PlatformDependent.usedDirectMemory());
    m.put("threads", (long) Thread.activeCount());
    m.put("allocated", allocatedBytes());
    m.putAll(residentMemory(procStatus()));
    m.putAll(nmtCommitted(nmtSummary()));
    return m;
  }

  /**
   * Bytes allocated on the heap so far by the threads alive now (the event loops and the command
   * thread live as long as the process); -1 if the JVM does not count.
   */
  private static long allocatedBytes() {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
        || !threads.isThreadAllocatedMemorySupported()
        || !threads.isThreadAllocatedMemoryEnabled()) {
      return -1;
    }
    long sum = 0;
    for (long a : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      sum += Math.max(0, a); // -1 for a thread that ended meanwhile
    }
    return sum;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The figures as the reply line's {@code key=value} pairs. */
  public static String line(Map<String, Long> figures) {
    StringBuilder sb = new StringBuilder();
    figures.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
    return sb.toString();
  }

  /**
   * {@code rss}, {@code rssAnon}, {@code rssFile}, {@code rssShmem} in bytes from the text of
   * {@code /proc/<pid>/status}; -1 for each when the text lacks them (not Linux).
   */
  static Map<String, Long> residentMemory(String status) {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("rss", statusKb(status, "VmRSS"));
    m.put("rssAnon", statusKb(status, "RssAnon"));
    m.put("rssFile", statusKb(status, "RssFile"));
    m.put("rssShmem", statusKb(status, "RssShmem"));
    return m;
  }

  private static long statusKb(String status, String key) {
    for (String l : status.split("\n")) {
      if (l.startsWith(key + ":")) {
        return Long.parseLong(l.substring(key.length() + 1).replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  /**
   * Committed bytes per category of an NMT summary ({@code nmt.Java_Heap}, {@code nmt.Thread}, ...,
   * and {@code nmt.total}); empty when the summary is empty (tracking off).
   */
  static Map<String, Long> nmtCommitted(String summary) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String l : summary.split("\n")) {
      Matcher total = NMT_TOTAL.matcher(l.trim());
      if (total.find()) {
        m.put("nmt.total", Long.parseLong(total.group(2)) * 1024);
        continue;
      }
      Matcher c = NMT_LINE.matcher(l.trim());
      if (c.find()) {
        m.put("nmt." + c.group(1).trim().replace(' ', '_'), Long.parseLong(c.group(3)) * 1024);
      }
    }
    return m;
  }

  private static String procStatus() {
    try {
      return Files.readString(Path.of("/proc/self/status"));
    } catch (IOException | RuntimeException e) {
      return ""; // not Linux: no figures
    }
  }

  /** {@code jcmd <pid> VM.native_memory summary}, asked of this JVM; empty when tracking is off. */
  private static String nmtSummary() {
    try {
      Object text =
          ManagementFactory.getPlatformMBeanServer()
              .invoke(
                  new ObjectName("com.sun.management:type=DiagnosticCommand"),
                  "vmNativeMemory",
                  new Object[] {new String[] {"summary"}},
                  new String[] {String[].class.getName()});
      String s = String.valueOf(text);
      return s.toLowerCase(Locale.ROOT).contains("not enabled") ? "" : s;
    } catch (Exception e) {
      return "";
    }
  }
}

package io.linkgate.bench.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where the resident memory of idle downlinks goes, per connection, for both servers: each run's
 * {@link MemoryProbe} figures after the connections opened minus those before, divided by the
 * connections; the table gives the medians over the runs, figure by figure.
 */
public final class MemoryBreakdown {
  /** The rows, in order: probe key and what the table calls it. */
  private static final Map<String, String> ROWS = rows();

  private final Map<String, Map<String, List<Double>>> sides = new LinkedHashMap<>();
  private final Set<String> nmtKeys = new LinkedHashSet<>();
  private final Map<String, List<Map<String, Map<String, Long>>>> probes = new LinkedHashMap<>();

  private static Map<String, String> rows() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("rss", "resident (VmRSS)");
    m.put("rssAnon", "  anonymous (RssAnon: malloc, thread stacks, G1's heap, ...)");
    m.put("rssFile", "  file-backed (RssFile: jars, libraries)");
    m.put("rssShmem", "  shared memory (RssShmem: ZGC's heap on JDK 17)");
    m.put("heap", "heap used after GC");
    m.put("heapCommitted", "heap committed");
    m.put("allocated", "heap allocated while connecting (garbage included)");
    m.put("direct", "direct buffers (JDK count)");
    m.put("nettyDirect", "direct memory (Netty count)");
    return m;
  }

  /** Adds one run of {@code side}: the figures before and after {@code connections} opened. */
  public void add(String side, Map<String, Long> before, Map<String, Long> after, int connections) {
    Map<String, List<Double>> runs = sides.computeIfAbsent(side, k -> new LinkedHashMap<>());
    probes.computeIfAbsent(side, k -> new ArrayList<>()).add(Map.of("before", before, "after", after));
    for (Map.Entry<String, Long> e : after.entrySet()) {
      Long b = before.get(e.getKey());
      if (b == null || b < 0 || e.getValue() < 0) {
        continue; // not measured on this platform or in this run
      }
      if (e.getKey().startsWith("nmt.")) {
        nmtKeys.add(e.getKey());
      }
      runs.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
          .add((double) (e.getValue() - b) / connections);
    }
  }

  /** The median per-connection figure of {@code side} for {@code key}; NaN if never measured. */
  public double median(String side, String key) {
    List<Double> runs = sides.getOrDefault(side, Map.of()).get(key);
    return runs == null ? Double.NaN : Comparison.median(runs);
  }

  /** Every run's figures per connection, for the JSON: side, then key, then the runs in order. */
  public Map<String, Map<String, List<Double>>> runs() {
    return sides;
  }

  /** Every run's probes as measured (bytes, whole process), for the JSON: side, then the runs. */
  public Map<String, List<Map<String, Map<String, Long>>>> probes() {
    return probes;
  }

  /**
   * A markdown table, one column per side in {@code columns} (side key to heading): the kernel's
   * split of resident memory, the heap, and the NMT categories that moved by at least 16 bytes per
   * connection on either side.
   */
  public String markdown(Map<String, String> columns) {
    StringBuilder sb = new StringBuilder("| bytes per idle downlink (medians) |");
    columns.values().forEach(h -> sb.append(' ').append(h).append(" |"));
    sb.append("\n|---|").append("---:|".repeat(columns.size())).append('\n');
    Map<String, String> rows = new LinkedHashMap<>(ROWS);
    for (String k : nmtKeys) {
      if (k.equals("nmt.total") || moved(k, columns.keySet())) {
        rows.put(k, "NMT committed: " + k.substring(4).replace('_', ' '));
      }
    }
    if (nmtKeys.contains("nmt.total")) {
      rows.put("nmt.total", rows.remove("nmt.total")); // last
    }
    for (Map.Entry<String, String> row : rows.entrySet()) {
      sb.append("| ").append(row.getValue().replace("  ", "&nbsp;&nbsp;")).append(" |");
      for (String side : columns.keySet()) {
        double v = median(side, row.getKey());
        sb.append(' ').append(Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v)).append(" |");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private boolean moved(String key, Set<String> columns) {
    for (String side : columns) {
      if (Math.abs(median(side, key)) >= 16) {
        return true;
      }
    }
    return false;
  }
}

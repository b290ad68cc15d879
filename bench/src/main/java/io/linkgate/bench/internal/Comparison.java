package io.linkgate.bench.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One figure measured for Linkgate and for the raw baseline over several runs, compared by the
 * ratio of the medians (Linkgate / raw) against a target.
 */
public final class Comparison {
  private final String name;
  private final String unit;
  private final int connections;
  private final boolean higherIsBetter;
  private final Double target; // null: reported, not judged
  private final List<Double> linkgate = new ArrayList<>();
  private final List<Double> raw = new ArrayList<>();
  private final Map<String, Object> notes = new LinkedHashMap<>();
  private String subjectKey = "linkgate";
  private String baselineKey = "raw";

  public Comparison(String name, String unit, int connections, boolean higherIsBetter, Double target) {
    this.name = name;
    this.unit = unit;
    this.connections = connections;
    this.higherIsBetter = higherIsBetter;
    this.target = target;
  }

  /** Names the two sides in the JSON (default {@code linkgate} and {@code raw}); returns this. */
  public Comparison jsonKeys(String subject, String baseline) {
    this.subjectKey = subject;
    this.baselineKey = baseline;
    return this;
  }

  public void add(boolean isLinkgate, double value) {
    (isLinkgate ? linkgate : raw).add(value);
  }

  public void note(String key, Object value) {
    notes.put(key, value);
  }

  /** Adds one run's value of a diagnostic figure; the JSON lists them in run order. */
  @SuppressWarnings("unchecked")
  public void noteRun(String key, double value) {
    ((List<Double>) notes.computeIfAbsent(key, k -> new ArrayList<Double>())).add(value);
  }

  public String name() {
    return name;
  }

  public String unit() {
    return unit;
  }

  public int connections() {
    return connections;
  }

  /** Linkgate's runs, in order. */
  public List<Double> linkgateRuns() {
    return List.copyOf(linkgate);
  }

  /** The baseline's runs, in order. */
  public List<Double> rawRuns() {
    return List.copyOf(raw);
  }

  public double linkgateMedian() {
    return median(linkgate);
  }

  public double rawMedian() {
    return median(raw);
  }

  public double ratio() {
    return linkgateMedian() / rawMedian();
  }

  public boolean judged() {
    return target != null;
  }

  public String targetText() {
    return target == null ? "" : (higherIsBetter ? ">= " : "<= ") + target + "x";
  }

  public boolean pass() {
    return target == null || (higherIsBetter ? ratio() >= target : ratio() <= target);
  }

  /** Median of the runs; the mean of the middle two for an even count. NaN when there are none. */
  public static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** The JSON shape of this comparison. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("unit", unit);
    m.put("connections", connections);
    m.put(subjectKey, Map.of("runs", linkgate, "median", linkgateMedian()));
    m.put(baselineKey, Map.of("runs", raw, "median", rawMedian()));
    m.put("ratio", ratio());
    m.put("target", target == null ? null : targetText());
    m.put("pass", target == null ? null : pass());
    m.put("notes", notes);
    return m;
  }
}

package io.linkgate.bench.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes {@code <date>-<benchmark>.json} and {@code <date>-<benchmark>.md}. */
public final class Report {
  private final String title;
  private final String subject;
  private final String baseline;
  private final Map<String, Object> header = new LinkedHashMap<>();
  private final List<Comparison> comparisons = new ArrayList<>();
  private final List<String> footnotes = new ArrayList<>();
  private final List<String> sections = new ArrayList<>();
  private boolean spreads;

  /** The push benchmark's report: Linkgate beside raw Netty. */
  public Report() {
    this("Push benchmark", "raw Netty");
  }

  /**
   * @param title the markdown heading, before the date
   * @param baseline what the baseline column is called
   */
  public Report(String title, String baseline) {
    this(title, "Linkgate", baseline);
  }

  /**
   * @param title the markdown heading, before the date
   * @param subject what the measured column is called
   * @param baseline what the baseline column is called
   */
  public Report(String title, String subject, String baseline) {
    this.title = title;
    this.subject = subject;
    this.baseline = baseline;
  }

  public void header(String key, Object value) {
    header.put(key, value);
  }

  /** A paragraph for the end of the markdown (what ran beside, what was odd). */
  public void footnote(String text) {
    footnotes.add(text);
  }

  /** A block of markdown (a heading and a table, say) for after the main table. */
  public void section(String markdown) {
    sections.add(markdown);
  }

  /** Adds each side's lowest and highest run to the markdown table. */
  public void showSpreads() {
    spreads = true;
  }

  public void add(Comparison c) {
    comparisons.add(c);
  }

  public List<Comparison> comparisons() {
    return comparisons;
  }

  public Path[] write(Path dir, String stem) throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> json = new LinkedHashMap<>(header);
    List<Map<String, Object>> results = new ArrayList<>();
    for (Comparison c : comparisons) {
      results.add(c.toMap());
    }
    json.put("results", results);
    Path jsonFile = dir.resolve(stem + ".json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(jsonFile.toFile(), json);
    Path md = dir.resolve(stem + ".md");
    Files.writeString(md, markdown());
    return new Path[] {jsonFile, md};
  }

  public String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# ").append(title).append(", ").append(header.getOrDefault("date", "")).append("\n\n");
    sb.append("Medians over runs (").append(header.getOrDefault("runs", "?"))
        .append("); ratio = ").append(subject).append(" / ").append(baseline)
        .append(", both measured in the same run.\n\n");
    sb.append("| scenario | connections | ").append(subject).append(" | ").append(baseline)
        .append(" | ratio | target | result |").append(spreads ? " " + subject + " runs | baseline runs |" : "")
        .append("\n");
    sb.append("|---|---:|---:|---:|---:|---|---|").append(spreads ? "---:|---:|" : "").append("\n");
    for (Comparison c : comparisons) {
      sb.append("| ").append(c.name())
          .append(" | ").append(String.format(Locale.ROOT, "%,d", c.connections()))
          .append(" | ").append(fmt(c.linkgateMedian())).append(' ').append(c.unit())
          .append(" | ").append(fmt(c.rawMedian())).append(' ').append(c.unit())
          .append(" | ").append(String.format(Locale.ROOT, "%.2fx", c.ratio()))
          .append(" | ").append(c.targetText())
          .append(" | ").append(c.judged() ? (c.pass() ? "pass" : "**FAIL**") : "")
          .append(" |");
      if (spreads) {
        sb.append(' ').append(range(c.linkgateRuns())).append(" | ").append(range(c.rawRuns())).append(" |");
      }
      sb.append('\n');
    }
    for (String section : sections) {
      sb.append("\n").append(section.strip()).append("\n");
    }
    Object setup = header.get("setup");
    if (setup != null) {
      sb.append("\n").append(setup).append("\n");
    }
    for (String f : footnotes) {
      sb.append("\n").append(f).append("\n");
    }
    return sb.toString();
  }

  private static String range(List<Double> runs) {
    if (runs.isEmpty()) {
      return "";
    }
    double lo = runs.stream().mapToDouble(Double::doubleValue).min().getAsDouble();
    double hi = runs.stream().mapToDouble(Double::doubleValue).max().getAsDouble();
    return fmt(lo) + " - " + fmt(hi);
  }

  /** A figure as the tables print it: no decimals from 100 on, one below. */
  public static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }
}

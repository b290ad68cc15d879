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

/** Writes {@code <date>-push.json} and {@code <date>-push.md}. */
public final class Report {
  private final Map<String, Object> header = new LinkedHashMap<>();
  private final List<Comparison> comparisons = new ArrayList<>();

  public void header(String key, Object value) {
    header.put(key, value);
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
    sb.append("# Push benchmark, ").append(header.getOrDefault("date", "")).append("\n\n");
    sb.append("Medians over runs (").append(header.getOrDefault("runs", "?"))
        .append("); ratio = Linkgate / raw Netty, both measured in the same run.\n\n");
    sb.append("| scenario | connections | Linkgate | raw Netty | ratio | target | result |\n");
    sb.append("|---|---:|---:|---:|---:|---|---|\n");
    for (Comparison c : comparisons) {
      sb.append("| ").append(c.name())
          .append(" | ").append(String.format(Locale.ROOT, "%,d", c.connections()))
          .append(" | ").append(fmt(c.linkgateMedian())).append(' ').append(c.unit())
          .append(" | ").append(fmt(c.rawMedian())).append(' ').append(c.unit())
          .append(" | ").append(String.format(Locale.ROOT, "%.2fx", c.ratio()))
          .append(" | ").append(c.targetText())
          .append(" | ").append(c.judged() ? (c.pass() ? "pass" : "**FAIL**") : "")
          .append(" |\n");
    }
    Object setup = header.get("setup");
    if (setup != null) {
      sb.append("\n").append(setup).append("\n");
    }
    return sb.toString();
  }

  private static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }
}

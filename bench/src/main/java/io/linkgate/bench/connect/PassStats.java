package io.linkgate.bench.connect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of one measured pass (one case, one mode): percentiles over its devices, in ms. */
record PassStats(
    String scenario, String mode, int clients, int ok, List<String> failures,
    double welcomeP50, double welcomeP99, double welcomeMax,
    double firstP50, double firstP99, double firstMax, String loadBefore, String loadAfter, double seconds) {

  static PassStats of(String scenario, ConnectMode mode, List<FirstMessage.Result> results,
      String loadBefore, String loadAfter, double seconds) {
    List<String> failures = new ArrayList<>();
    long[] welcome = results.stream().filter(FirstMessage.Result::ok).mapToLong(FirstMessage.Result::welcomeNanos).toArray();
    long[] first = results.stream().filter(FirstMessage.Result::ok).mapToLong(FirstMessage.Result::firstPushNanos).toArray();
    for (FirstMessage.Result r : results) {
      if (!r.ok() && failures.size() < 5) {
        failures.add(r.failure());
      }
    }
    Arrays.sort(welcome);
    Arrays.sort(first);
    return new PassStats(scenario, mode.name(), results.size(), first.length, failures,
        pct(welcome, 50), pct(welcome, 99), pct(welcome, 100),
        pct(first, 50), pct(first, 99), pct(first, 100), loadBefore, loadAfter, seconds);
  }

  /** Nearest rank: the smallest value with at least p% of the values at or below it. */
  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)] / 1e6;
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", scenario);
    m.put("mode", mode);
    m.put("clients", clients);
    m.put("ok", ok);
    m.put("failures", failures);
    m.put("welcomeMs", Map.of("p50", welcomeP50, "p99", welcomeP99, "max", welcomeMax));
    m.put("firstMessageMs", Map.of("p50", firstP50, "p99", firstP99, "max", firstMax));
    m.put("loadAverageBefore", loadBefore);
    m.put("loadAverageAfter", loadAfter);
    m.put("seconds", seconds);
    return m;
  }

  /** One markdown row; ratios to {@code racing} (this mode's figure ÷ racing's). */
  String row(PassStats racing) {
    return String.format(Locale.ROOT, "| %s | %s | %d/%d | %s | %s | %s | %s | %s | %s | %s | %s |",
        scenario, mode, ok, clients, ms(welcomeP50), ms(welcomeP99), ms(firstP50), ms(firstP99), ms(firstMax),
        ratio(firstP50, racing.firstP50), ratio(firstP99, racing.firstP99), loadBefore + " / " + loadAfter);
  }

  static String header() {
    return "| black-holed endpoint | mode | devices ok | Welcome p50 | Welcome p99 | first message p50 | "
        + "first message p99 | first message max | p50 vs racing | p99 vs racing | load avg before / after |\n"
        + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|";
  }

  private static String ms(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, v >= 100 ? "%,.0f ms" : "%.1f ms", v);
  }

  private static String ratio(double v, double base) {
    return Double.isNaN(v) || Double.isNaN(base) ? "n/a" : String.format(Locale.ROOT, "%.1fx", v / base);
  }
}

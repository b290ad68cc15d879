package io.linkgate.bench.cluster;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads what Redis's {@code INFO} answers: {@code key:value} lines under {@code # Section} headings. */
final class RedisInfo {
  private RedisInfo() {}

  /** Calls of one command and the microseconds Redis spent inside them (commandstats). */
  record CommandCount(long calls, long usec) {
    CommandCount minus(CommandCount earlier) {
      return new CommandCount(calls - earlier.calls, usec - earlier.usec);
    }
  }

  /** Every {@code key:value} line; headings, blank lines and anything else are skipped. */
  static Map<String, String> fields(String info) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : info.split("\r?\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        out.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return out;
  }

  /**
   * {@code cmdstat_<name>:calls=N,usec=M,...} lines, by command name in lower case (subcommands as
   * Redis writes them, {@code config|resetstat}). Commands a script runs with {@code redis.call}
   * are counted here too, under their own names.
   */
  static Map<String, CommandCount> commandStats(String info) {
    Map<String, CommandCount> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : fields(info).entrySet()) {
      if (!e.getKey().startsWith("cmdstat_")) {
        continue;
      }
      long calls = -1;
      long usec = -1;
      for (String kv : e.getValue().split(",")) {
        int eq = kv.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String k = kv.substring(0, eq);
        if (k.equals("calls")) {
          calls = Long.parseLong(kv.substring(eq + 1));
        } else if (k.equals("usec")) {
          usec = Long.parseLong(kv.substring(eq + 1));
        }
      }
      if (calls >= 0 && usec >= 0) {
        out.put(e.getKey().substring("cmdstat_".length()).toLowerCase(java.util.Locale.ROOT),
            new CommandCount(calls, usec));
      }
    }
    return out;
  }

  /** What happened between two commandstats readings; commands not called in between are left out. */
  static Map<String, CommandCount> delta(Map<String, CommandCount> before, Map<String, CommandCount> after) {
    Map<String, CommandCount> out = new LinkedHashMap<>();
    for (Map.Entry<String, CommandCount> e : after.entrySet()) {
      CommandCount d = e.getValue().minus(before.getOrDefault(e.getKey(), new CommandCount(0, 0)));
      if (d.calls() > 0) {
        out.put(e.getKey(), d);
      }
    }
    return out;
  }

  /**
   * The CPU time of the whole redis-server process (user plus system, every thread), in
   * microseconds, from the {@code cpu} section; -1 if it is not there.
   */
  static long cpuMicros(Map<String, String> fields) {
    String sys = fields.get("used_cpu_sys");
    String user = fields.get("used_cpu_user");
    if (sys == null || user == null) {
      return -1;
    }
    // Seconds with six decimals: exact in decimal, not in binary.
    return new BigDecimal(sys).add(new BigDecimal(user)).movePointRight(6).longValue();
  }
}

package io.linkgate.bench.dispatch;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one dispatch benchmark run is parameterised by; the command line fills it in. */
record DispatchSettings(
    int connections,
    int users,
    int runs,
    int seconds,
    int warmupSeconds,
    int jitWarmupSeconds,
    List<String> serverJvmArgs,
    String redisServer,
    Path resultsDir,
    Path logDir,
    String label) {

  DispatchSettings {
    if (connections < 1 || users < 1 || runs < 1 || seconds < 1 || warmupSeconds < 0 || jitWarmupSeconds < 0) {
      throw new IllegalArgumentException("connections, users, runs and seconds must be positive");
    }
    if (!label.matches("[A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("label may hold letters, digits, '.', '_' and '-' only");
    }
    serverJvmArgs = List.copyOf(serverJvmArgs);
  }

  Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("connections", connections);
    m.put("users", users);
    m.put("runs", runs);
    m.put("seconds", seconds);
    m.put("warmupSeconds", warmupSeconds);
    m.put("jitWarmupSeconds", jitWarmupSeconds);
    m.put("serverJvm", serverJvmArgs);
    return m;
  }
}

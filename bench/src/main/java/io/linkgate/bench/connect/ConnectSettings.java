package io.linkgate.bench.connect;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one connect benchmark run is parameterised by; the command line fills it in. */
record ConnectSettings(
    int clients,
    int warmup,
    int wave,
    int waveIntervalMs,
    Duration stagger,
    int maxInFlight,
    List<Duration> sequentialTimeouts,
    long seed,
    List<String> serverJvmArgs,
    Path resultsDir,
    Path logDir,
    String label) {

  ConnectSettings {
    if (clients < 1 || wave < 1 || waveIntervalMs < 0 || warmup < 0 || maxInFlight < 1) {
      throw new IllegalArgumentException("clients, wave and max-in-flight must be positive");
    }
    if (sequentialTimeouts.isEmpty()) {
      throw new IllegalArgumentException("give at least one sequential connect timeout");
    }
    if (!label.matches("[A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("label may hold letters, digits, '.', '_' and '-' only");
    }
    sequentialTimeouts = List.copyOf(sequentialTimeouts);
    serverJvmArgs = List.copyOf(serverJvmArgs);
  }

  /**
   * Racing first (the others' ratios are to it), then sequential with each timeout. Racing uses the
   * first sequential timeout, the client's default, for its own attempts.
   */
  List<ConnectMode> modes() {
    List<ConnectMode> modes = new ArrayList<>();
    modes.add(ConnectMode.racing(stagger, maxInFlight, sequentialTimeouts.get(0)));
    for (Duration t : sequentialTimeouts) {
      modes.add(ConnectMode.sequential(t));
    }
    return modes;
  }

  Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("clients", clients);
    m.put("warmupClients", warmup);
    m.put("wave", wave);
    m.put("waveIntervalMs", waveIntervalMs);
    m.put("raceStaggerMs", stagger.toMillis());
    m.put("raceMaxInFlight", maxInFlight);
    m.put("sequentialConnectTimeoutsMs", sequentialTimeouts.stream().map(Duration::toMillis).toList());
    m.put("seed", seed);
    m.put("serverJvm", serverJvmArgs);
    return m;
  }
}

package io.linkgate.bench.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Everything one benchmark run is parameterised by; the command line fills it in. */
public record Settings(
    Set<String> scenarios,
    int heapConnections,
    int heapRuns,
    int heapSettleSeconds,
    boolean heapNmt,
    int connections,
    int runs,
    int rounds,
    int burst,
    int burstRounds,
    int payloadBytes,
    int latencySeconds,
    int latencyRuns,
    double latencyFraction,
    List<String> serverJvmArgs,
    int rawWorkers,
    Map<String, String> transportOptions,
    int inboxCapacity,
    int outboundQueueBytes,
    int clientThreads,
    int sourceAddresses,
    int maxInFlight,
    boolean profile,
    Path resultsDir,
    Path logDir,
    String label) {

  public static final Set<String> ALL = Set.of("heap", "broadcast", "burst", "latency");

  public Settings {
    scenarios = Set.copyOf(scenarios);
    for (String s : scenarios) {
      if (!ALL.contains(s)) {
        throw new IllegalArgumentException("unknown scenario '" + s + "'; known: " + ALL);
      }
    }
    if (payloadBytes < Payloads.MIN_SIZE) {
      throw new IllegalArgumentException("payload must be at least " + Payloads.MIN_SIZE + " bytes");
    }
    if (burst < 1 || runs < 1 || heapRuns < 1 || latencyRuns < 1 || heapSettleSeconds < 0) {
      throw new IllegalArgumentException("burst and run counts must be positive, the settle time not negative");
    }
    if (!label.matches("[A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("label may hold letters, digits, '.', '_' and '-' only");
    }
    serverJvmArgs = List.copyOf(serverJvmArgs);
    transportOptions = Map.copyOf(transportOptions);
  }

  public boolean has(String scenario) {
    return scenarios.contains(scenario);
  }
}

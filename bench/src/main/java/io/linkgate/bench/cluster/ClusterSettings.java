package io.linkgate.bench.cluster;

import io.linkgate.bench.internal.Payloads;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Everything one cluster benchmark run is parameterised by; the command line fills it in. */
record ClusterSettings(
    Set<String> scenarios,
    int connections,
    int runs,
    int lookupRuns,
    int rounds,
    int burst,
    int burstRounds,
    int payloadBytes,
    int latencySeconds,
    int latencyRuns,
    double latencyFraction,
    List<String> serverJvmArgs,
    int serverThreads,
    int inboxCapacity,
    int outboundQueueBytes,
    int clientThreads,
    int sourceAddresses,
    int maxInFlight,
    String redisServer,
    boolean profile,
    int waitQuietSeconds,
    double quietShare,
    double busyShare,
    int redo,
    int redoBudgetSeconds,
    Path resultsDir,
    Path logDir,
    String label) {

  static final Set<String> ALL = Set.of("direct", "burst", "lookup", "latency", "accounting");

  ClusterSettings {
    scenarios = Set.copyOf(scenarios);
    for (String s : scenarios) {
      if (!ALL.contains(s)) {
        throw new IllegalArgumentException("unknown scenario '" + s + "'; known: " + ALL);
      }
    }
    if (scenarios.contains("latency") && !scenarios.contains("direct")) {
      throw new IllegalArgumentException("latency runs at a share of the direct rate: add direct");
    }
    if (payloadBytes < Payloads.MIN_SIZE) {
      throw new IllegalArgumentException("payload must be at least " + Payloads.MIN_SIZE + " bytes");
    }
    if (burst < 2 || runs < 1 || lookupRuns < 1 || latencyRuns < 1 || rounds < 1 || burstRounds < 1) {
      throw new IllegalArgumentException("run and round counts must be positive, the burst at least 2");
    }
    if (!label.matches("[A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("label may hold letters, digits, '.', '_' and '-' only");
    }
    serverJvmArgs = List.copyOf(serverJvmArgs);
  }

  boolean has(String scenario) {
    return scenarios.contains(scenario);
  }
}

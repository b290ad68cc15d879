package io.linkgate.bench.tunnel;

import io.linkgate.bench.internal.LinkgateSends;
import io.linkgate.bench.internal.Payloads;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Everything one tunnel benchmark run is parameterised by; the command line fills it in. */
record TunnelSettings(
    Set<String> scenarios,
    int streams,
    int runs,
    int rounds,
    int burst,
    int burstRounds,
    int payloadBytes,
    int latencySeconds,
    int latencyRuns,
    double latencyFraction,
    int uplinkConnections,
    List<Integer> batches,
    int uplinkSeconds,
    int uplinkRuns,
    List<String> serverJvmArgs,
    int serverThreads,
    int serverSelectors,
    long idleTimeoutMs,
    int inboxCapacity,
    int outboundQueueBytes,
    int clientThreads,
    int maxInFlight,
    LinkgateSends linkgateSends,
    boolean profile,
    Path resultsDir,
    Path logDir,
    String label) {

  static final Set<String> ALL = Set.of("broadcast", "burst", "latency", "uplink");

  /** The tunnel's limit on frames in one request body (its default). */
  static final int MAX_FRAMES_PER_REQUEST = 64;

  TunnelSettings {
    scenarios = Set.copyOf(scenarios);
    for (String s : scenarios) {
      if (!ALL.contains(s)) {
        throw new IllegalArgumentException("unknown scenario '" + s + "'; known: " + ALL);
      }
    }
    if (payloadBytes < Payloads.MIN_SIZE) {
      throw new IllegalArgumentException("payload must be at least " + Payloads.MIN_SIZE + " bytes");
    }
    if (streams < 1 || burst < 1 || runs < 1 || latencyRuns < 1 || uplinkRuns < 1 || uplinkConnections < 1) {
      throw new IllegalArgumentException("streams, connections, burst and run counts must be positive");
    }
    batches = List.copyOf(batches);
    for (int b : batches) {
      if (b < 1 || b > MAX_FRAMES_PER_REQUEST) {
        throw new IllegalArgumentException("a batch is 1 to " + MAX_FRAMES_PER_REQUEST + " frames, got " + b);
      }
    }
    if (!label.matches("[A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("label may hold letters, digits, '.', '_' and '-' only");
    }
    serverJvmArgs = List.copyOf(serverJvmArgs);
  }

  boolean has(String scenario) {
    return scenarios.contains(scenario);
  }

  boolean downlinkScenarios() {
    return has("broadcast") || has("burst") || has("latency");
  }
}

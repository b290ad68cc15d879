package io.linkgate.bench.grpc;

import io.linkgate.bench.internal.LinkgateSends;
import io.linkgate.bench.internal.Payloads;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Everything one gRPC benchmark run is parameterised by; the command line fills it in. */
record GrpcSettings(
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
    int uplinkCallers,
    int uplinkConnections,
    int uplinkSeconds,
    int uplinkRuns,
    double uplinkLatencyFraction,
    List<String> serverJvmArgs,
    int serverThreads,
    int uplinkThreads,
    int inboxCapacity,
    int outboundQueueBytes,
    int clientThreads,
    int maxInFlight,
    LinkgateSends linkgateSends,
    boolean profile,
    Path resultsDir,
    Path logDir,
    String label) {

  static final Set<String> ALL =
      Set.of("broadcast", "burst", "latency", "uplink", "uplink-room", "uplink-latency");

  GrpcSettings {
    scenarios = Set.copyOf(scenarios);
    for (String s : scenarios) {
      if (!ALL.contains(s)) {
        throw new IllegalArgumentException("unknown scenario '" + s + "'; known: " + ALL);
      }
    }
    if (payloadBytes < Payloads.MIN_SIZE) {
      throw new IllegalArgumentException("payload must be at least " + Payloads.MIN_SIZE + " bytes");
    }
    if (streams < 1 || burst < 1 || runs < 1 || latencyRuns < 1 || uplinkRuns < 1) {
      throw new IllegalArgumentException("streams, burst and run counts must be positive");
    }
    if (uplinkCallers < 1 || uplinkConnections < 1 || uplinkConnections > uplinkCallers) {
      throw new IllegalArgumentException("need 1 <= uplink connections <= uplink callers");
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

  boolean uplinkScenarios() {
    return has("uplink") || has("uplink-room") || has("uplink-latency");
  }
}

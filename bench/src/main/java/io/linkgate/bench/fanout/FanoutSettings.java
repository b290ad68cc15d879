package io.linkgate.bench.fanout;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one fan-out benchmark run is parameterised by; the command line fills it in. */
record FanoutSettings(
    int members,
    int messages,
    int payload,
    int runs,
    int warmupRuns,
    int runTimeoutSeconds,
    String room,
    List<String> serverJvmArgs,
    int serverThreads,
    boolean profile,
    String node,
    String npm,
    Path nodeScripts,
    Path nodeWorkDir,
    Path resultsDir,
    Path logDir,
    String label) {

  FanoutSettings {
    if (members < 1 || messages < 1 || runs < 1 || warmupRuns < 0 || runTimeoutSeconds < 1 || serverThreads < 1) {
      throw new IllegalArgumentException("members, messages, runs, run timeout and threads must be positive");
    }
    if (payload < 16 || payload > 60_000) {
      // 16: Socket.IO's payload carries the stamp as up to 16 decimal digits.
      throw new IllegalArgumentException("payload must be 16 to 60000 bytes, got " + payload);
    }
    if (!room.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException("room may hold 1 to 64 letters, digits, '_' and '-'");
    }
    if (!label.matches("[A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("label may hold letters, digits, '.', '_' and '-' only");
    }
    serverJvmArgs = List.copyOf(serverJvmArgs);
  }

  long deliveriesPerRun() {
    return (long) members * messages;
  }

  Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("members", members);
    m.put("messages", messages);
    m.put("payloadBytes", payload);
    m.put("runs", runs);
    m.put("warmupRuns", warmupRuns);
    m.put("room", room);
    m.put("serverJvm", serverJvmArgs);
    m.put("serverThreads", serverThreads);
    m.put("profile", profile);
    return m;
  }
}

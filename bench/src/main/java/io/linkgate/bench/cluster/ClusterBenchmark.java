package io.linkgate.bench.cluster;

import io.linkgate.bench.internal.BenchLogging;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The cluster benchmark: direct pushes issued on one gateway process (node A) for users whose
 * downlinks are on another (node B), through one Redis on the same machine, beside a single
 * gateway on the in-memory store with the same load client and pushing loop, in the same run. See
 * bench/README.md.
 *
 * <p>Exit status: 0 when every target is met, 1 when one is missed, 2 on a usage error.
 */
@Command(
    name = "cluster-benchmark",
    mixinStandardHelpOptions = true,
    description = "Cross-node direct pushes through Redis against a single in-memory node.")
public final class ClusterBenchmark implements Callable<Integer> {
  @Option(names = "--scenarios", split = ",", defaultValue = "direct,burst,lookup,latency,accounting",
      description = "Which to run: direct, burst, lookup, latency, accounting (default: ${DEFAULT-VALUE}).")
  List<String> scenarios;

  @Option(names = "--connections", defaultValue = "2000",
      description = "Downlinks (one user each) on node B and on the single node (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--runs", defaultValue = "5",
      description = "Runs of direct and of burst pushes per system (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--lookup-runs", defaultValue = "3",
      description = "Runs of lookup-then-push per system (default: ${DEFAULT-VALUE}).")
  int lookupRuns;

  @Option(names = "--rounds", defaultValue = "20",
      description = "Rounds per run, one message to every user, each delivered before the next "
          + "(default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--burst", defaultValue = "8",
      description = "Messages per Router.pushAll call (default: ${DEFAULT-VALUE}).")
  int burst;

  @Option(names = "--burst-rounds", defaultValue = "5",
      description = "Burst rounds per run (default: ${DEFAULT-VALUE}).")
  int burstRounds;

  @Option(names = "--payload", defaultValue = "64",
      description = "Payload bytes per message, at least 8 (default: ${DEFAULT-VALUE}).")
  int payload;

  @Option(names = "--latency-seconds", defaultValue = "5",
      description = "Length of one latency run (default: ${DEFAULT-VALUE}).")
  int latencySeconds;

  @Option(names = "--latency-runs", defaultValue = "3", description = "Latency runs per system (default: ${DEFAULT-VALUE}).")
  int latencyRuns;

  @Option(names = "--latency-load", defaultValue = "0.5",
      description = "Offered load as a fraction of the cross-node direct rate (default: ${DEFAULT-VALUE}).")
  double latencyFraction;

  @Option(names = "--server-jvm", split = " ", defaultValue = "-Xmx2g -XX:+UseZGC",
      description = "JVM options of the three gateway processes, space separated (default: ${DEFAULT-VALUE}).")
  List<String> serverJvm;

  @Option(names = "--server-threads", defaultValue = "2",
      description = "TCP downlink event loops per gateway (default: ${DEFAULT-VALUE}).")
  int serverThreads;

  @Option(names = "--inbox", defaultValue = "1000",
      description = "Inbox capacity per user, both stores (default: ${DEFAULT-VALUE}).")
  int inbox;

  @Option(names = "--outbound-bytes", defaultValue = "4194304",
      description = "Outbound bound per downlink (default: ${DEFAULT-VALUE}).")
  int outboundBytes;

  @Option(names = "--client-threads", defaultValue = "2",
      description = "Event-loop threads of the load client (default: ${DEFAULT-VALUE}).")
  int clientThreads;

  @Option(names = "--source-addresses", defaultValue = "8",
      description = "Client source addresses 127.0.0.2.. (default: ${DEFAULT-VALUE}).")
  int sourceAddresses;

  @Option(names = "--max-in-flight", defaultValue = "256",
      description = "Concurrent handshakes while connecting (default: ${DEFAULT-VALUE}).")
  int maxInFlight;

  @Option(names = "--redis-server", defaultValue = "redis-server",
      description = "The redis-server executable (default: ${DEFAULT-VALUE}, from the PATH).")
  String redisServer;

  @Option(names = "--profile",
      description = "Record a JFR profile of each gateway process for the whole run.")
  boolean profile;

  @Option(names = "--wait-quiet", defaultValue = "0",
      description = "Before starting, wait up to this many seconds for a 5-second window in which the "
          + "machine is busy under --quiet-share of its cores (default: ${DEFAULT-VALUE}, no waiting).")
  int waitQuiet;

  @Option(names = "--quiet-share", defaultValue = "0.15",
      description = "What counts as quiet for --wait-quiet (default: ${DEFAULT-VALUE}).")
  double quietShare;

  @Option(names = "--busy-share", defaultValue = "0.1",
      description = "A run during which other work used more than this share of the cores is run "
          + "again, after waiting for a quiet moment (default: ${DEFAULT-VALUE}).")
  double busyShare;

  @Option(names = "--redo", defaultValue = "2",
      description = "At most this many repeats of one run (default: ${DEFAULT-VALUE}; 0: never).")
  int redo;

  @Option(names = "--redo-budget", defaultValue = "150",
      description = "Seconds the repeats and their waits may take in all (default: ${DEFAULT-VALUE}).")
  int redoBudget;

  @Option(names = "--label", defaultValue = "",
      description = "Appended to the result file names: <date>-cluster-<label>.json (default: none).")
  String label;

  @Option(names = "--out", description = "Results directory (default: bench/results, or results inside bench/).")
  Path out;

  public static void main(String[] args) {
    BenchLogging.quiet();
    System.exit(new CommandLine(new ClusterBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path results = out != null ? out : defaultResults();
    ClusterSettings settings =
        new ClusterSettings(
            new LinkedHashSet<>(scenarios), connections, runs, lookupRuns, rounds, burst, burstRounds,
            payload, latencySeconds, latencyRuns, latencyFraction, serverJvm, serverThreads, inbox,
            outboundBytes, clientThreads, sourceAddresses, maxInFlight, redisServer, profile, waitQuiet,
            quietShare, busyShare, redo, redoBudget, results,
            Path.of(System.getProperty("java.io.tmpdir"), "linkgate-bench-logs"), label);
    return new ClusterRun(settings, System.out).run() ? 0 : 1;
  }

  private static Path defaultResults() {
    if (Files.isRegularFile(Path.of("bench", "pom.xml"))) {
      return Path.of("bench", "results");
    }
    return Path.of("results");
  }
}

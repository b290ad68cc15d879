package io.linkgate.bench;

import io.linkgate.bench.internal.BenchLogging;
import io.linkgate.bench.internal.BenchRun;
import io.linkgate.bench.internal.Comparison;
import io.linkgate.bench.internal.Report;
import io.linkgate.bench.internal.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The push benchmark: Linkgate (router + TCP downlinks) beside a raw Netty server doing the same
 * work with the same load client, in the same run. See bench/README.md.
 *
 * <p>Exit status: 0 when every target is met, 1 when one is missed, 2 on a usage error.
 */
@Command(
    name = "push-benchmark",
    mixinStandardHelpOptions = true,
    description = "Push throughput, latency and idle memory of Linkgate against a raw Netty baseline.")
public final class PushBenchmark implements Callable<Integer> {
  @Option(names = "--scenarios", split = ",", defaultValue = "heap,broadcast,burst,latency",
      description = "Which to run: heap, broadcast, burst, latency (default: ${DEFAULT-VALUE}).")
  List<String> scenarios;

  @Option(names = "--heap-connections", defaultValue = "18000",
      description = "Idle downlinks for the heap scenario (default: ${DEFAULT-VALUE}).")
  int heapConnections;

  @Option(names = "--heap-runs", defaultValue = "3", description = "Heap runs (default: ${DEFAULT-VALUE}).")
  int heapRuns;

  @Option(names = "--heap-settle-seconds", defaultValue = "40",
      description = "Seconds between the heap scenario's collections and its reading of resident "
          + "memory, longer than ZGC's uncommit delay (default: ${DEFAULT-VALUE}).")
  int heapSettleSeconds;

  @Option(names = "--heap-nmt", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Run the heap scenario's servers with -XX:NativeMemoryTracking=summary and report "
          + "the committed memory per category (default: ${DEFAULT-VALUE}).")
  boolean heapNmt;

  @Option(names = "--connections", defaultValue = "5000",
      description = "Downlinks per server for throughput and latency (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--runs", defaultValue = "5",
      description = "Throughput runs per scenario (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--rounds", defaultValue = "20",
      description = "Broadcasts per run, each delivered before the next (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--burst", defaultValue = "8",
      description = "Messages per connection per burst (default: ${DEFAULT-VALUE}).")
  int burst;

  @Option(names = "--burst-rounds", defaultValue = "5",
      description = "Burst broadcasts per run, each delivered before the next (default: ${DEFAULT-VALUE}).")
  int burstRounds;

  @Option(names = "--payload", defaultValue = "64",
      description = "Payload bytes per message, at least 8 (default: ${DEFAULT-VALUE}).")
  int payload;

  @Option(names = "--latency-seconds", defaultValue = "5",
      description = "Length of one latency run (default: ${DEFAULT-VALUE}).")
  int latencySeconds;

  @Option(names = "--latency-runs", defaultValue = "3",
      description = "Latency runs (default: ${DEFAULT-VALUE}).")
  int latencyRuns;

  @Option(names = "--latency-load", defaultValue = "0.5",
      description = "Offered load as a fraction of Linkgate's broadcast rate (default: ${DEFAULT-VALUE}).")
  double latencyFraction;

  // ZGC by default because it is what a Linkgate node runs with (see the README's run command):
  // a gateway keeps every push in a per-user inbox, and G1's young pauses then set the tail latency.
  // The uncommit delay is the node launcher's (bin/linkgate): heap unused for 30 s goes back to the
  // OS. Both servers always get the same options, so the ratio compares like with like.
  @Option(names = "--server-jvm", split = " ", defaultValue = "-Xmx3g -XX:+UseZGC -XX:ZUncommitDelay=30",
      description = "JVM options of both server processes, space separated (default: ${DEFAULT-VALUE}).")
  List<String> serverJvm;

  @Option(names = "--raw-workers", defaultValue = "2",
      description = "Event-loop threads of the raw Netty server (default: ${DEFAULT-VALUE}).")
  int rawWorkers;

  @Option(names = "--transport-option",
      description = "A TCP transport option for the Linkgate server, name=value (repeatable).")
  Map<String, String> transportOptions = Map.of();

  @Option(names = "--inbox", defaultValue = "1000",
      description = "Router inbox capacity per user (default: ${DEFAULT-VALUE}).")
  int inbox;

  @Option(names = "--outbound-bytes", defaultValue = "4194304",
      description = "Linkgate's outbound bound per connection (default: ${DEFAULT-VALUE}).")
  int outboundBytes;

  @Option(names = "--client-threads", defaultValue = "2",
      description = "Event-loop threads of the load client (default: ${DEFAULT-VALUE}).")
  int clientThreads;

  @Option(names = "--source-addresses", defaultValue = "8",
      description = "Client source addresses 127.0.0.2.. that share the ephemeral ports "
          + "(default: ${DEFAULT-VALUE}).")
  int sourceAddresses;

  @Option(names = "--max-in-flight", defaultValue = "256",
      description = "Concurrent handshakes while connecting (default: ${DEFAULT-VALUE}).")
  int maxInFlight;

  @Option(names = "--profile",
      description = "Record a JFR profile of the Linkgate server during the push scenarios.")
  boolean profile;

  @Option(names = "--label", defaultValue = "",
      description = "Appended to the result file names: <date>-push-<label>.json (default: none).")
  String label;

  @Option(names = "--out",
      description = "Results directory (default: bench/results, or results inside bench/).")
  Path out;

  public static void main(String[] args) {
    BenchLogging.quiet();
    System.exit(new CommandLine(new PushBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path results = out != null ? out : defaultResults();
    Settings settings =
        new Settings(
            new LinkedHashSet<>(scenarios), heapConnections, heapRuns, heapSettleSeconds, heapNmt,
            connections, runs, rounds, burst, burstRounds, payload, latencySeconds, latencyRuns, latencyFraction, serverJvm, rawWorkers,
            transportOptions, inbox, outboundBytes, clientThreads, sourceAddresses, maxInFlight, profile,
            results, Path.of(System.getProperty("java.io.tmpdir"), "linkgate-bench-logs"), label);
    Report report = new BenchRun(settings, System.out).run();
    return report.comparisons().stream().allMatch(Comparison::pass) ? 0 : 1;
  }

  private static Path defaultResults() {
    if (Files.isRegularFile(Path.of("bench", "pom.xml"))) {
      return Path.of("bench", "results");
    }
    return Path.of("results");
  }
}

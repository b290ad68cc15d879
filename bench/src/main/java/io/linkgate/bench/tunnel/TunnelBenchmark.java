package io.linkgate.bench.tunnel;

import io.linkgate.bench.internal.BenchLogging;
import io.linkgate.bench.internal.LinkgateSends;
import io.linkgate.bench.internal.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The HTTP tunnel benchmark: Linkgate (router + HTTP tunnel transport) beside a raw Jetty 12 core
 * handler doing the same request work with the same load client, in the same run. See
 * bench/README.md.
 *
 * <p>Exit status: 0 when the run completed, 2 on a usage error; no figure here has a target.
 */
@Command(
    name = "tunnel-benchmark",
    mixinStandardHelpOptions = true,
    description = "Uplink and push throughput and latency of Linkgate's HTTP tunnel against a raw "
        + "Jetty handler.")
public final class TunnelBenchmark implements Callable<Integer> {
  @Option(names = "--scenarios", split = ",", defaultValue = "broadcast,burst,latency,uplink",
      description = "Which to run (default: ${DEFAULT-VALUE}).")
  List<String> scenarios;

  @Option(names = "--streams", defaultValue = "2000",
      description = "Streaming downlinks per server, one per connection (default: ${DEFAULT-VALUE}).")
  int streams;

  @Option(names = "--runs", defaultValue = "3",
      description = "Throughput runs per push scenario (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--rounds", defaultValue = "20",
      description = "Broadcasts per run, each delivered before the next (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--burst", defaultValue = "8",
      description = "Messages per stream per burst (default: ${DEFAULT-VALUE}).")
  int burst;

  @Option(names = "--burst-rounds", defaultValue = "5",
      description = "Burst broadcasts per run (default: ${DEFAULT-VALUE}).")
  int burstRounds;

  @Option(names = "--payload", defaultValue = "64",
      description = "Payload bytes per message, at least 8 (default: ${DEFAULT-VALUE}).")
  int payload;

  @Option(names = "--latency-seconds", defaultValue = "5",
      description = "Length of one push latency run (default: ${DEFAULT-VALUE}).")
  int latencySeconds;

  @Option(names = "--latency-runs", defaultValue = "3", description = "Push latency runs (default: ${DEFAULT-VALUE}).")
  int latencyRuns;

  @Option(names = "--latency-load", defaultValue = "0.5",
      description = "Push latency load as a fraction of Linkgate's broadcast rate (default: ${DEFAULT-VALUE}).")
  double latencyFraction;

  @Option(names = "--uplink-connections", defaultValue = "64",
      description = "Keep-alive uplink connections, one device and one POST in flight each "
          + "(default: ${DEFAULT-VALUE}).")
  int uplinkConnections;

  @Option(names = "--batches", split = ",", defaultValue = "1,16",
      description = "Send frames per POST, one uplink figure each (default: ${DEFAULT-VALUE}).")
  List<Integer> batches;

  @Option(names = "--uplink-seconds", defaultValue = "4",
      description = "Measured seconds of one uplink run (default: ${DEFAULT-VALUE}).")
  int uplinkSeconds;

  @Option(names = "--uplink-runs", defaultValue = "5", description = "Uplink runs per batch size (default: ${DEFAULT-VALUE}).")
  int uplinkRuns;

  @Option(names = "--server-jvm", split = " ", defaultValue = "-Xmx3g -XX:+UseZGC",
      description = "JVM options of both server processes, space separated (default: ${DEFAULT-VALUE}).")
  List<String> serverJvm;

  @Option(names = "--server-threads", defaultValue = "64",
      description = "Most request threads per role, both servers (default: ${DEFAULT-VALUE}, the tunnel's).")
  int serverThreads;

  @Option(names = "--server-selectors", defaultValue = "0",
      description = "Selector threads per role, both servers (default: ${DEFAULT-VALUE}: the tunnel's "
          + "default, one per core).")
  int serverSelectors;

  @Option(names = "--idle-timeout-ms", defaultValue = "600000",
      description = "Connection idle timeout of both servers (default: ${DEFAULT-VALUE}: no pings or "
          + "closes during a run).")
  long idleTimeoutMs;

  @Option(names = "--inbox", defaultValue = "1000",
      description = "Router inbox capacity per user (default: ${DEFAULT-VALUE}).")
  int inbox;

  @Option(names = "--outbound-bytes", defaultValue = "4194304",
      description = "Linkgate's outbound bound per stream (default: ${DEFAULT-VALUE}).")
  int outboundBytes;

  @Option(names = "--client-threads", defaultValue = "2",
      description = "Event-loop threads of the load client (default: ${DEFAULT-VALUE}).")
  int clientThreads;

  @Option(names = "--max-in-flight", defaultValue = "256",
      description = "Concurrent stream opens while connecting (default: ${DEFAULT-VALUE}).")
  int maxInFlight;

  @Option(names = "--linkgate-sends", defaultValue = "store",
      description = "What Linkgate does with each uplink Send: store (the router's own path) or "
          + "ack-only (dedup and an ack, nothing stored; the raw server is unchanged) "
          + "(default: ${DEFAULT-VALUE}).")
  String linkgateSends;

  @Option(names = "--profile", description = "Record a JFR profile of the Linkgate server.")
  boolean profile;

  @Option(names = "--label", defaultValue = "",
      description = "Appended to the result file names: <date>-tunnel-<label>.json (default: none).")
  String label;

  @Option(names = "--out", description = "Results directory (default: bench/results, or results inside bench/).")
  Path out;

  public static void main(String[] args) {
    BenchLogging.quiet();
    System.exit(new CommandLine(new TunnelBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path results = out != null ? out : defaultResults();
    TunnelSettings settings =
        new TunnelSettings(
            new LinkedHashSet<>(scenarios), streams, runs, rounds, burst, burstRounds, payload,
            latencySeconds, latencyRuns, latencyFraction, uplinkConnections, batches, uplinkSeconds,
            uplinkRuns, serverJvm, serverThreads, serverSelectors, idleTimeoutMs, inbox,
            outboundBytes, clientThreads, maxInFlight, LinkgateSends.of(linkgateSends), profile,
            results, Path.of(System.getProperty("java.io.tmpdir"), "linkgate-bench-logs"), label);
    Report report = new TunnelRun(settings, System.out).run();
    return report.comparisons().isEmpty() ? 1 : 0;
  }

  private static Path defaultResults() {
    if (Files.isRegularFile(Path.of("bench", "pom.xml"))) {
      return Path.of("bench", "results");
    }
    return Path.of("results");
  }
}

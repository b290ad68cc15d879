package io.linkgate.bench.grpc;

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
 * The gRPC benchmark: Linkgate (router + gRPC transport) beside a raw grpc-java {@code Gateway}
 * service doing the same work with the same load client, in the same run. See bench/README.md.
 *
 * <p>Exit status: 0 when the run completed, 2 on a usage error; no figure here has a target.
 */
@Command(
    name = "grpc-benchmark",
    mixinStandardHelpOptions = true,
    description = "Push and uplink throughput and latency of Linkgate's gRPC transport against a raw "
        + "grpc-java service.")
public final class GrpcBenchmark implements Callable<Integer> {
  @Option(names = "--scenarios", split = ",",
      defaultValue = "broadcast,burst,latency,uplink,uplink-room,uplink-latency",
      description = "Which to run (default: ${DEFAULT-VALUE}).")
  List<String> scenarios;

  @Option(names = "--streams", defaultValue = "2000",
      description = "Downlink streams per server, one per HTTP/2 connection (default: ${DEFAULT-VALUE}).")
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

  @Option(names = "--uplink-callers", defaultValue = "64",
      description = "Concurrent uplink callers, one call in flight each (default: ${DEFAULT-VALUE}).")
  int uplinkCallers;

  @Option(names = "--uplink-connections", defaultValue = "8",
      description = "HTTP/2 connections the uplink callers share (default: ${DEFAULT-VALUE}).")
  int uplinkConnections;

  @Option(names = "--uplink-seconds", defaultValue = "3",
      description = "Measured seconds of one uplink run (default: ${DEFAULT-VALUE}).")
  int uplinkSeconds;

  @Option(names = "--uplink-runs", defaultValue = "5",
      description = "Uplink rate runs (default: ${DEFAULT-VALUE}; latency and room runs: --latency-runs).")
  int uplinkRuns;

  @Option(names = "--uplink-latency-load", defaultValue = "0.5",
      description = "Uplink latency load as a fraction of Linkgate's uplink rate (default: ${DEFAULT-VALUE}).")
  double uplinkLatencyFraction;

  @Option(names = "--server-jvm", split = " ", defaultValue = "-Xmx3g -XX:+UseZGC",
      description = "JVM options of both server processes, space separated (default: ${DEFAULT-VALUE}).")
  List<String> serverJvm;

  @Option(names = "--server-threads", defaultValue = "2",
      description = "Downlink event loops of both servers (default: ${DEFAULT-VALUE}).")
  int serverThreads;

  @Option(names = "--uplink-threads", defaultValue = "1",
      description = "Uplink event loops of both servers (default: ${DEFAULT-VALUE}, "
          + "Linkgate's default on 2 cores).")
  int uplinkThreads;

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
      description = "Concurrent handshakes while connecting (default: ${DEFAULT-VALUE}).")
  int maxInFlight;

  @Option(names = "--linkgate-sends", defaultValue = "store",
      description = "What Linkgate does with each uplink Send: store (the router's own path) or "
          + "ack-only (dedup and an ack, nothing stored; the raw server is unchanged) "
          + "(default: ${DEFAULT-VALUE}).")
  String linkgateSends;

  @Option(names = "--profile", description = "Record a JFR profile of the Linkgate server.")
  boolean profile;

  @Option(names = "--label", defaultValue = "",
      description = "Appended to the result file names: <date>-grpc-<label>.json (default: none).")
  String label;

  @Option(names = "--out", description = "Results directory (default: bench/results, or results inside bench/).")
  Path out;

  public static void main(String[] args) {
    BenchLogging.quiet();
    System.exit(new CommandLine(new GrpcBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path results = out != null ? out : defaultResults();
    GrpcSettings settings =
        new GrpcSettings(
            new LinkedHashSet<>(scenarios), streams, runs, rounds, burst, burstRounds, payload,
            latencySeconds, latencyRuns, latencyFraction, uplinkCallers, uplinkConnections,
            uplinkSeconds, uplinkRuns, uplinkLatencyFraction, serverJvm, serverThreads, uplinkThreads,
            inbox, outboundBytes, clientThreads, maxInFlight, LinkgateSends.of(linkgateSends), profile,
            results, Path.of(System.getProperty("java.io.tmpdir"), "linkgate-bench-logs"), label);
    Report report = new GrpcRun(settings, System.out).run();
    return report.comparisons().isEmpty() ? 1 : 0;
  }

  static Path defaultResults() {
    if (Files.isRegularFile(Path.of("bench", "pom.xml"))) {
      return Path.of("bench", "results");
    }
    return Path.of("results");
  }
}

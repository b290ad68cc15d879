package io.linkgate.bench.dispatch;

import io.linkgate.bench.connect.ConnectBenchmark;
import io.linkgate.bench.internal.BenchLogging;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The dispatch benchmark: {@code GET /v1/dispatch} requests per second and latency on two nodes
 * sharing a Redis registry, against a raw Jetty handler answering the same bytes, in the same run.
 * See bench/README.md.
 *
 * <p>Exit status: 0 when every request was answered 200, 1 otherwise, 2 on a usage error.
 */
@Command(
    name = "dispatch-benchmark",
    mixinStandardHelpOptions = true,
    description = "GET /v1/dispatch on two Redis-backed nodes against a raw Jetty handler.")
public final class DispatchBenchmark implements Callable<Integer> {
  @Option(names = "--connections", defaultValue = "8",
      description = "Kept-alive connections (one client thread and one request in flight each), "
          + "spread over the two processes of a side (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--users", defaultValue = "10000",
      description = "Distinct users, each with its own token, asked for in turn (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--runs", defaultValue = "3", description = "Runs per side (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--seconds", defaultValue = "8", description = "Measured length of a run (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--warmup-seconds", defaultValue = "1",
      description = "Unmeasured start of each run (default: ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(names = "--jit-warmup-seconds", defaultValue = "10",
      description = "Load on each side before the first run, not measured (default: ${DEFAULT-VALUE}).")
  int jitWarmupSeconds;

  @Option(names = "--server-jvm", split = " ", defaultValue = "-Xmx1g -XX:+UseZGC",
      description = "JVM options of the four server processes, space separated (default: ${DEFAULT-VALUE}).")
  List<String> serverJvm;

  @Option(names = "--redis-server", defaultValue = "redis-server",
      description = "The redis-server executable (default: ${DEFAULT-VALUE}, from the PATH).")
  String redisServer;

  @Option(names = "--label", defaultValue = "",
      description = "Appended to the result file names: <date>-dispatch-<label>.json (default: none).")
  String label;

  @Option(names = "--out", description = "Results directory (default: bench/results, or results inside bench/).")
  Path out;

  public static void main(String[] args) {
    BenchLogging.quiet();
    System.exit(new CommandLine(new DispatchBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    DispatchSettings settings =
        new DispatchSettings(connections, users, runs, seconds, warmupSeconds, jitWarmupSeconds, serverJvm, redisServer,
            out != null ? out : ConnectBenchmark.defaultResults(),
            Path.of(System.getProperty("java.io.tmpdir"), "linkgate-bench-logs"), label);
    return new DispatchRun(settings, System.out).run() ? 0 : 1;
  }
}

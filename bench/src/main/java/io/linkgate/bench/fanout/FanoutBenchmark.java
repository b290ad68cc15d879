package io.linkgate.bench.fanout;

import io.linkgate.bench.connect.ConnectBenchmark;
import io.linkgate.bench.internal.BenchLogging;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The room fan-out benchmark: one room of N members, M messages published to it back to back,
 * on a Linkgate node and on a Socket.IO 4.8 server, each with a Node load client, in the same
 * run. See bench/README.md.
 *
 * <p>Exit status: 0 when every target was met, 1 when one was missed or a run lost deliveries, 2
 * on a usage error.
 */
@Command(
    name = "fanout-benchmark",
    mixinStandardHelpOptions = true,
    description = "Room fan-out: Linkgate beside Socket.IO 4.8, a Node load client for each.")
public final class FanoutBenchmark implements Callable<Integer> {
  @Option(names = "--members", defaultValue = "1000",
      description = "Room members, one connection each, per system (default: ${DEFAULT-VALUE}).")
  int members;

  @Option(names = "--messages", defaultValue = "200",
      description = "Messages published to the room per run (default: ${DEFAULT-VALUE}).")
  int messages;

  @Option(names = "--payload", defaultValue = "64",
      description = "Payload bytes per message, the send stamp included (default: ${DEFAULT-VALUE}).")
  int payload;

  @Option(names = "--runs", defaultValue = "5",
      description = "Measured runs per system; the report gives medians (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--warmup-runs", defaultValue = "3",
      description = "Unmeasured runs per system first, for the JIT and V8 (default: ${DEFAULT-VALUE}).")
  int warmupRuns;

  @Option(names = "--run-timeout", defaultValue = "120",
      description = "Seconds a run may take before its missing deliveries count as lost (default: ${DEFAULT-VALUE}).")
  int runTimeout;

  @Option(names = "--room", defaultValue = "live", description = "Room name (default: ${DEFAULT-VALUE}).")
  String room;

  @Option(names = "--server-jvm", split = " ", defaultValue = "-Xmx1g -XX:+UseZGC",
      description = "JVM options of the Linkgate node, space separated (default: ${DEFAULT-VALUE}).")
  List<String> serverJvm;

  @Option(names = "--server-threads", defaultValue = "2",
      description = "The node's TCP downlink event loops (default: ${DEFAULT-VALUE}, one per core).")
  int serverThreads;

  @Option(names = "--profile",
      description = "Record the Linkgate node with JFR for the whole benchmark (file named in the output).")
  boolean profile;

  @Option(names = "--node", defaultValue = "node", description = "The Node.js binary (default: ${DEFAULT-VALUE}).")
  String node;

  @Option(names = "--npm", defaultValue = "npm", description = "The npm binary (default: ${DEFAULT-VALUE}).")
  String npm;

  @Option(names = "--node-scripts",
      description = "The Node package of this benchmark (default: bench/src/main/node/fanout, or src/main/node/fanout inside bench/).")
  Path nodeScripts;

  @Option(names = "--node-work-dir",
      description = "Where the Node package is copied and installed with npm ci, outside the repository "
          + "(default: $TMPDIR/linkgate-bench-fanout-node).")
  Path nodeWorkDir;

  @Option(names = "--label", defaultValue = "",
      description = "Appended to the result file names: <date>-fanout-<label>.json (default: none).")
  String label;

  @Option(names = "--out", description = "Results directory (default: bench/results, or results inside bench/).")
  Path out;

  public static void main(String[] args) {
    BenchLogging.quiet();
    System.exit(new CommandLine(new FanoutBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    FanoutSettings settings =
        new FanoutSettings(
            members, messages, payload, runs, warmupRuns, runTimeout, room, serverJvm, serverThreads,
            profile, node, npm, nodeScripts != null ? nodeScripts : defaultScripts(),
            nodeWorkDir != null ? nodeWorkDir : tmp.resolve("linkgate-bench-fanout-node"),
            out != null ? out : ConnectBenchmark.defaultResults(), tmp.resolve("linkgate-bench-logs"), label);
    FanoutRun run = new FanoutRun(settings, System.out);
    return run.run() ? 0 : 1;
  }

  private static Path defaultScripts() {
    Path fromRoot = Path.of("bench", "src", "main", "node", "fanout");
    return Files.isDirectory(fromRoot) ? fromRoot : Path.of("src", "main", "node", "fanout");
  }
}

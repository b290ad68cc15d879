package io.linkgate.bench.connect;

import io.linkgate.bench.internal.BenchLogging;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The connect benchmark: time to first message for devices given three endpoints of which one is
 * black-holed, with the client racing its attempts against the same client trying them one after
 * another, in the same run. See bench/README.md. Needs root (iptables).
 *
 * <p>Exit status: 0 when every device got its first message, 1 when one did not, 2 on a usage
 * error.
 */
@Command(
    name = "connect-benchmark",
    mixinStandardHelpOptions = true,
    description = "Time to first message with a black-holed endpoint: racing against sequential connects.")
public final class ConnectBenchmark implements Callable<Integer> {
  @Option(names = "--clients", defaultValue = "200",
      description = "Devices per pass (case x mode) (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--warmup", defaultValue = "100",
      description = "Devices connecting to the two good endpoints first, not measured (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--wave", defaultValue = "25",
      description = "Devices started together (default: ${DEFAULT-VALUE}).")
  int wave;

  @Option(names = "--wave-interval-ms", defaultValue = "500",
      description = "Time between the starts of two waves (default: ${DEFAULT-VALUE}).")
  int waveIntervalMs;

  @Option(names = "--stagger-ms", defaultValue = "250",
      description = "Racing: delay before the next attempt starts (default: ${DEFAULT-VALUE}).")
  long staggerMs;

  @Option(names = "--max-in-flight", defaultValue = "3",
      description = "Racing: attempts at a time (default: ${DEFAULT-VALUE}).")
  int maxInFlight;

  @Option(names = "--sequential-timeouts", split = ",", defaultValue = "10s,2s",
      description = "Connect timeouts of the sequential passes, one pass each; the first is the racing "
          + "pass's too (default: ${DEFAULT-VALUE}; 10s is the client's default).")
  List<String> sequentialTimeouts;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the black hole's random positions (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--server-jvm", split = " ", defaultValue = "-Xmx1g -XX:+UseZGC",
      description = "JVM options of the gateway process, space separated (default: ${DEFAULT-VALUE}).")
  List<String> serverJvm;

  @Option(names = "--label", defaultValue = "",
      description = "Appended to the result file names: <date>-connect-<label>.json (default: none).")
  String label;

  @Option(names = "--out", description = "Results directory (default: bench/results, or results inside bench/).")
  Path out;

  public static void main(String[] args) {
    BenchLogging.quiet();
    System.exit(new CommandLine(new ConnectBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ConnectSettings settings =
        new ConnectSettings(
            clients, warmup, wave, waveIntervalMs, Duration.ofMillis(staggerMs), maxInFlight,
            sequentialTimeouts.stream().map(ConnectBenchmark::seconds).toList(), seed, serverJvm,
            out != null ? out : defaultResults(),
            Path.of(System.getProperty("java.io.tmpdir"), "linkgate-bench-logs"), label);
    ConnectRun run = new ConnectRun(settings, System.out);
    run.run();
    return run.allDelivered() ? 0 : 1;
  }

  private static Duration seconds(String text) {
    String t = text.trim();
    if (!t.matches("\\d+(ms|s)")) {
      throw new IllegalArgumentException("a timeout is like 10s or 2500ms, got " + text);
    }
    return t.endsWith("ms") ? Duration.ofMillis(Long.parseLong(t.replace("ms", ""))) : Duration.ofSeconds(Long.parseLong(t.replace("s", "")));
  }

  /** bench/results from the repository root, results from inside bench/. */
  public static Path defaultResults() {
    if (Files.isRegularFile(Path.of("bench", "pom.xml"))) {
      return Path.of("bench", "results");
    }
    return Path.of("results");
  }
}

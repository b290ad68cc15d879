package io.linkgate.bench.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Warm-up until the server's JIT has settled. On two busy cores C2 keeps compiling a path for tens
 * of seconds after it first runs (the gRPC uplink: over a minute), and a run measured meanwhile
 * shares the cores with the compiler; a fixed warm-up long enough for the slowest path would blow
 * the time budget, one too short measures the compiler. So the warm-up repeats a step until the
 * server process spent less than a given share of the step's wall time compiling.
 */
public final class Warmup {
  private Warmup() {}

  /** One warm-up step: real work on the server being warmed. */
  public interface Step {
    void run() throws Exception;
  }

  /** How a warm-up went, for the log and the JSON. */
  public record Result(int steps, double seconds, double lastJitShare, boolean settled) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d steps in %.0f s, JIT %.0f%% of the last step%s", steps,
          seconds, lastJitShare * 100, settled ? "" : " (not settled: stopped at the time limit)");
    }
  }

  /**
   * Runs {@code step} at least {@code minSteps} times, then until a step in which {@code server}
   * compiled for less than {@code quietShare} of the step's wall time, or until {@code max} has
   * passed.
   */
  public static Result untilJitQuiet(
      ServerProcess server, Step step, int minSteps, Duration max, double quietShare) throws Exception {
    return untilJitQuiet(List.of(server), step, minSteps, max, quietShare);
  }

  /**
   * As {@link #untilJitQuiet(ServerProcess, Step, int, Duration, double)} for work that runs in
   * several processes (a push on one gateway delivered by another): their compile times add up.
   */
  public static Result untilJitQuiet(
      List<ServerProcess> servers, Step step, int minSteps, Duration max, double quietShare)
      throws Exception {
    long start = System.nanoTime();
    int steps = 0;
    while (true) {
      long jit0 = jit(servers);
      long t0 = System.nanoTime();
      step.run();
      steps++;
      double share = (jit(servers) - jit0) / ((System.nanoTime() - t0) / 1e6);
      double seconds = (System.nanoTime() - start) / 1e9;
      boolean quiet = share < quietShare;
      if (steps >= minSteps && (quiet || seconds * 1e9 > max.toNanos())) {
        return new Result(steps, seconds, share, quiet);
      }
    }
  }

  /** Compilation time so far, in milliseconds (0 where the JVM does not tell: no waiting then). */
  private static long jit(List<ServerProcess> servers) throws IOException {
    long sum = 0;
    for (ServerProcess server : servers) {
      sum += Math.max(0, server.call("JIT", Duration.ofSeconds(10)).get("jit"));
    }
    return sum;
  }
}

package io.linkgate.bench.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * The push scenarios of the gRPC and tunnel benchmarks (broadcast, bursts, latency at a fixed
 * load), measured as the TCP push benchmark measures them, for two servers ({@code linkgate} and
 * {@code raw}) whose downlinks are already open.
 */
public final class PushScenarios {
  public static final String LINKGATE = "linkgate";
  public static final String RAW = "raw";

  /** What to run. */
  public record Plan(
      int users, int payloadBytes, int runs, int rounds, int burst, int burstRounds,
      boolean broadcast, boolean bursts, boolean latency, int latencySeconds, int latencyRuns,
      double latencyFraction) {}

  /** A warm-up step is over when the server compiled for less than this share of it. */
  public static final double JIT_QUIET = 0.1;

  private static final Duration WARMUP_LIMIT = Duration.ofSeconds(60);

  private final Report report;
  private final PrintStream log;
  private final Map<String, ServerProcess> servers;
  private final Map<String, PushClient> clients;
  private final String per;
  private final Plan p;

  /** @param per what one downlink is called in the rows ("stream", "conn") */
  public PushScenarios(
      Report report, PrintStream log, Map<String, ServerProcess> servers,
      Map<String, PushClient> clients, String per, Plan plan) {
    this.report = report;
    this.log = log;
    this.servers = servers;
    this.clients = clients;
    this.per = per;
    this.p = plan;
  }

  public void run() throws Exception {
    int n = p.users();
    Map<String, String> warmups = new LinkedHashMap<>();
    for (String mode : List.of(LINKGATE, RAW)) {
      Warmup.Result w =
          Warmup.untilJitQuiet(
              servers.get(mode),
              () -> {
                throughput(mode, p.rounds(), 1);
                throughput(mode, p.burstRounds(), p.burst());
              },
              2, WARMUP_LIMIT, JIT_QUIET);
      warmups.put(mode, w.toString());
      log.printf("  warm-up %s: %s%n", mode, w);
    }
    report.header("pushWarmup", warmups);
    Comparison broadcast = new Comparison("broadcast, 1 msg/" + per, "msg/s", n, true, null);
    Comparison broadcastCpu =
        new Comparison("broadcast: server CPU per message (info)", "us", n, false, null);
    Comparison bursts =
        new Comparison("bursts of " + p.burst() + " msgs/" + per, "msg/s", n, true, null);
    Comparison burstCpu = new Comparison("bursts: server CPU per message (info)", "us", n, false, null);
    boolean wantBroadcast = p.broadcast() || p.latency();
    for (int run = 0; run < p.runs(); run++) {
      for (String mode : RunInfo.order(run, LINKGATE, RAW)) {
        if (wantBroadcast) {
          double[] r = throughput(mode, p.rounds(), 1);
          note(broadcast, mode, r);
          broadcastCpu.add(mode.equals(LINKGATE), r[3]);
          log.printf("  run %d %-8s broadcast %s%n", run + 1, mode, rateText(r));
        }
        if (p.bursts()) {
          double[] r = throughput(mode, p.burstRounds(), p.burst());
          note(bursts, mode, r);
          burstCpu.add(mode.equals(LINKGATE), r[3]);
          log.printf("  run %d %-8s bursts    %s%n", run + 1, mode, rateText(r));
        }
      }
    }
    broadcast.note("messagesPerRun", (long) p.rounds() * n);
    bursts.note("messagesPerRun", (long) p.burstRounds() * n * p.burst());
    if (wantBroadcast) {
      report.add(broadcast);
      report.add(broadcastCpu);
    }
    if (p.bursts()) {
      report.add(bursts);
      report.add(burstCpu);
    }
    if (p.latency()) {
      latency((long) (broadcast.linkgateMedian() * p.latencyFraction()));
    }
  }

  private static void note(Comparison c, String mode, double[] r) {
    c.add(mode.equals(LINKGATE), r[0]);
    c.noteRun(mode + "FrameBytes", r[1]);
    c.noteRun(mode + "PusherBusy", r[2]);
    c.noteRun(mode + "ClientCpuMicrosPerMessage", r[4]);
    if (!Double.isNaN(r[5])) {
      c.noteRun(mode + "PushesPerRead", r[5]);
    }
  }

  /**
   * One throughput run of {@code rounds} broadcasts, each fully delivered before the next starts,
   * timed from the first push to the last delivery (see the push benchmark). Returns {rate, bytes
   * per message, share of the time the pushing thread was busy, server CPU microseconds per
   * message, client (this process) CPU microseconds per message, pushes per client socket read or
   * NaN}.
   */
  private double[] throughput(String mode, int rounds, int burst) throws IOException, TimeoutException {
    ServerProcess server = servers.get(mode);
    PushClient client = clients.get(mode);
    int n = p.users();
    long perRound = (long) n * burst;
    long baseBytes = client.receivedBytes();
    long baseReads = client.reads();
    long cpu = server.call("CPU", Duration.ofSeconds(10)).get("cpu");
    long clientCpu = RunInfo.processCpuNanos();
    long elapsed = 0;
    long pushing = 0;
    for (int r = 0; r < rounds; r++) {
      long base = client.received();
      Map<String, Long> reply =
          server.call("BROADCAST " + n + " 1 " + burst + " " + p.payloadBytes(), Duration.ofMinutes(2));
      client.awaitReceived(base + perRound, Duration.ofMinutes(2));
      elapsed += client.lastReceiveNanos() - reply.get("start");
      pushing += reply.get("end") - reply.get("start");
    }
    long expected = perRound * rounds;
    clientCpu = RunInfo.processCpuNanos() - clientCpu;
    cpu = server.call("CPU", Duration.ofSeconds(10)).get("cpu") - cpu;
    return new double[] {
      expected * 1e9 / elapsed,
      (double) (client.receivedBytes() - baseBytes) / expected,
      (double) pushing / elapsed,
      cpu / 1e3 / expected,
      clientCpu / 1e3 / expected,
      baseReads < 0 ? Double.NaN : (double) expected / Math.max(1, client.reads() - baseReads)
    };
  }

  private static String rateText(double[] r) {
    return String.format(Locale.ROOT,
        "%,.0f msg/s (CPU per msg: server %.1f us, client %.1f us; pushing thread busy %.0f%%%s)",
        r[0], r[3], r[4], r[2] * 100,
        Double.isNaN(r[5]) ? "" : String.format(Locale.ROOT, "; %.1f pushes per read", r[5]));
  }

  private void latency(long rate) throws Exception {
    int n = p.users();
    Comparison p50 = new Comparison("push latency p50", "us", n, false, null);
    Comparison p99 = new Comparison("push latency p99", "us", n, false, null);
    Comparison p999 = new Comparison("push latency p99.9 (info)", "us", n, false, null);
    log.printf("  push latency: open loop at %,d msg/s (%.0f%% of Linkgate's broadcast rate), %d s a run%n",
        rate, p.latencyFraction() * 100, p.latencySeconds());
    for (String mode : List.of(LINKGATE, RAW)) {
      paced(mode, rate, 1); // warm-up at the rate
    }
    Map<String, Double> lag = new LinkedHashMap<>();
    for (int run = 0; run < p.latencyRuns(); run++) {
      for (String mode : RunInfo.order(run, LINKGATE, RAW)) {
        double[] lagMicros = new double[1];
        Histogram h = paced(mode, rate, p.latencySeconds(), lagMicros);
        boolean isLg = mode.equals(LINKGATE);
        p50.add(isLg, h.getValueAtPercentile(50) / 1e3);
        p99.add(isLg, h.getValueAtPercentile(99) / 1e3);
        p999.add(isLg, h.getValueAtPercentile(99.9) / 1e3);
        lag.merge(mode, lagMicros[0], Math::max);
        log.printf("  run %d %-8s p50 %,.0f us  p99 %,.0f us  p99.9 %,.0f us  max %,.0f us"
                + "  (pusher lag up to %,.0f us)%n",
            run + 1, mode, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
            h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, lagMicros[0]);
      }
    }
    p99.note("pusherMaxLagMicros", lag);
    for (Comparison c : List.of(p50, p99, p999)) {
      c.note("offeredRate", rate);
      c.note("secondsPerRun", p.latencySeconds());
      report.add(c);
    }
  }

  private Histogram paced(String mode, long rate, int seconds, double... lagMicros)
      throws IOException, TimeoutException {
    ServerProcess server = servers.get(mode);
    PushClient client = clients.get(mode);
    long total = rate * seconds;
    client.takeLatency();
    long base = client.received();
    Map<String, Long> r =
        server.call("PACED " + p.users() + " " + rate + " " + seconds * 1000L + " " + p.payloadBytes(),
            Duration.ofSeconds(seconds + 120L));
    client.awaitReceived(base + total, Duration.ofMinutes(2));
    if (lagMicros.length > 0) {
      lagMicros[0] = r.get("maxLag") / 1e3;
    }
    return client.takeLatency();
  }
}

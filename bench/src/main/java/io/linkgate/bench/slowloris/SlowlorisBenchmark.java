package io.linkgate.bench.slowloris;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.bench.connect.ConnectBenchmark;
import io.linkgate.bench.internal.BenchLogging;
import io.linkgate.bench.internal.NodeMain;
import io.linkgate.bench.internal.RunInfo;
import io.linkgate.bench.internal.ServerProcess;
import io.linkgate.client.Endpoints;
import io.linkgate.router.Hs256Authenticator;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The slowloris benchmark: one node, one normal client sending to itself at a fixed rate over a TCP
 * uplink and receiving over a TCP downlink, in phases that alternate between the node idle apart
 * from it and the node under 2,000 slowloris clients trickling a Hello a byte a second (cut at the
 * handshake deadline, and back at once). The figure: the normal client's p99 send-to-push latency
 * under attack against idle, same node, same run. See bench/README.md.
 *
 * <p>Exit status: 0 when the median attacked/idle p99 ratio is at most the target, 1 when not.
 */
@Command(
    name = "slowloris-benchmark",
    mixinStandardHelpOptions = true,
    description = "A normal client's p99 with 2,000 slowloris clients against the same node idle.")
public final class SlowlorisBenchmark implements Callable<Integer> {
  private static final double TARGET_RATIO = 1.2;

  @Option(names = "--slowloris", defaultValue = "2000", description = "Slowloris connections held at once (default: ${DEFAULT-VALUE}).")
  int slowloris;

  @Option(names = "--gap-ms", defaultValue = "1000", description = "Time between two bytes of a slowloris Hello (default: ${DEFAULT-VALUE}).")
  int gapMs;

  @Option(names = "--rate", defaultValue = "200", description = "The normal client's sends per second (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--phase-seconds", defaultValue = "20", description = "Length of each measured phase (default: ${DEFAULT-VALUE}).")
  int phaseSeconds;

  @Option(names = "--runs", defaultValue = "3", description = "Pairs of phases, idle and attacked, alternating which goes first (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--warmup-seconds", defaultValue = "15", description = "Sends before the first phase, not measured (default: ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(names = "--handshake-timeout", defaultValue = "10s", description = "The node's limits.handshake-timeout (default: ${DEFAULT-VALUE}, the node's default).")
  String handshakeTimeout;

  @Option(names = "--pending-per-address", defaultValue = "0",
      description = "The node's limits.pending-handshakes-per-address (default: ${DEFAULT-VALUE}: off, so all slowloris connections are held, as from many addresses).")
  int pendingPerAddress;

  @Option(names = "--server-jvm", split = " ", defaultValue = "-Xmx1g -XX:+UseZGC", description = "JVM options of the node (default: ${DEFAULT-VALUE}).")
  List<String> serverJvm;

  @Option(names = "--label", defaultValue = "", description = "Appended to the result file names (default: none).")
  String label;

  @Option(names = "--out", description = "Results directory (default: bench/results, or results inside bench/).")
  Path out;

  /** One measured phase. */
  record Phase(int run, String kind, Map<String, Object> figures, double p99Ms) {}

  public static void main(String[] args) {
    BenchLogging.quiet();
    System.exit(new CommandLine(new SlowlorisBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    String loadAtStart = RunInfo.loadAverage();
    String secret = "slowloris-bench-secret-0123456789abcdef";
    byte[] key = secret.getBytes(StandardCharsets.UTF_8);
    Map<String, String> args = NodeMain.args("slowloris-node", secret, "unused-admin-token", 1);
    args.put("uplink", "true");
    args.put("handshakeTimeout", handshakeTimeout);
    args.put("pendingPerAddress", Integer.toString(pendingPerAddress));
    Path logs = Path.of(System.getProperty("java.io.tmpdir"), "linkgate-bench-logs");
    List<Phase> phases = new ArrayList<>();
    List<Trickler.Stats> attacks = new ArrayList<>();
    try (ServerProcess node = ServerProcess.start(NodeMain.class.getName(), "slowloris-node", serverJvm, args, logs)) {
      int downPort = (int) node.readyValue("port");
      int upPort = (int) node.readyValue("uplink");
      System.out.printf("node up: downlink %d, uplink %d, log %s%n", downPort, upPort, node.log());
      Endpoint down = Endpoints.of("tcp", Role.DOWNLINK, "127.0.0.1", downPort);
      Endpoint up = Endpoints.of("tcp", Role.UPLINK, "127.0.0.1", upPort);
      byte[] hello = FrameCodec.encode(Frame.newBuilder().setHello(Hello.newBuilder()
          .setToken(Hs256Authenticator.mint(key, "slowloris", Duration.ofHours(1)))
          .setDeviceId("slow").setRole(Role.DOWNLINK)).build());
      try (PacedClient normal = new PacedClient(down, up, "normal", Hs256Authenticator.mint(key, "normal", Duration.ofHours(1)))) {
        normal.connect();
        int phaseNo = 0;
        normal.phase(phaseNo); // warm-up: not reported
        normal.start(rate);
        Thread.sleep(warmupSeconds * 1000L);
        for (int run = 0; run < runs; run++) {
          for (String kind : RunInfo.order(run, "idle", "attacked")) {
            Trickler attack = null;
            if (kind.equals("attacked")) {
              attack = new Trickler(new InetSocketAddress("127.0.0.1", downPort),
                  new InetSocketAddress("127.0.0.2", 0), hello, gapMs, slowloris, 1000);
              // Measured once every connection is in and the first ones are being cut.
              awaitOpen(attack, slowloris, Duration.ofSeconds(60));
              Thread.sleep(Math.max(0, parse(handshakeTimeout).toMillis()));
            }
            phaseNo++;
            normal.phase(phaseNo);
            String load = RunInfo.loadAverage();
            Trickler.Stats before = attack == null ? null : attack.stats();
            Thread.sleep(phaseSeconds * 1000L);
            normal.phase(0);
            Thread.sleep(2000); // the phase's last messages arrive
            Map<String, Object> f = figures(normal, phaseNo, load);
            if (attack != null) {
              Trickler.Stats after = attack.stats();
              attack.close();
              attacks.add(after);
              f.put("slowlorisOpenAtEnd", after.open());
              f.put("slowlorisCutInPhase", after.cut() - before.cut());
              f.put("slowlorisOpenedInPhase", after.opened() - before.opened());
              f.put("slowlorisMeanLifeMs", Math.round(after.meanLifeMs()));
              f.put("slowlorisFailedConnects", after.failedConnects());
              Thread.sleep(3000); // the node closes what the attack left
            }
            Phase p = new Phase(run, kind, f, (double) f.get("pushP99Ms"));
            phases.add(p);
            System.out.printf("run %d %-8s %s%n", run, kind, f);
          }
        }
      }
    }
    double ratio = write(phases, loadAtStart);
    System.out.printf("median p99 attacked / idle: %.2f (target <= %.1f)%n", ratio, TARGET_RATIO);
    return ratio <= TARGET_RATIO ? 0 : 1;
  }

  private static void awaitOpen(Trickler t, int count, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (t.stats().open() < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private static Map<String, Object> figures(PacedClient c, int phase, String load) {
    Histogram push = c.pushLatency(phase);
    Histogram ack = c.ackLatency(phase);
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("sent", c.sent(phase));
    f.put("pushed", push.getTotalCount());
    f.put("failed", c.failed(phase));
    f.put("pushP50Ms", ms(push.getValueAtPercentile(50)));
    f.put("pushP99Ms", ms(push.getValueAtPercentile(99)));
    f.put("pushP999Ms", ms(push.getValueAtPercentile(99.9)));
    f.put("pushMaxMs", ms(push.getMaxValue()));
    f.put("ackP99Ms", ms(ack.getValueAtPercentile(99)));
    f.put("loadAverageAtStart", load);
    return f;
  }

  private static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  private static Duration parse(String d) {
    String t = d.trim().toLowerCase(Locale.ROOT);
    return t.endsWith("ms") ? Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)))
        : Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
  }

  /** Writes the JSON and Markdown results; returns the median attacked/idle p99 ratio. */
  private double write(List<Phase> phases, String loadAtStart) throws Exception {
    List<Double> ratios = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      int r = run;
      double idle = phases.stream().filter(p -> p.run() == r && p.kind().equals("idle")).findFirst().orElseThrow().p99Ms();
      double attacked = phases.stream().filter(p -> p.run() == r && p.kind().equals("attacked")).findFirst().orElseThrow().p99Ms();
      ratios.add(attacked / idle);
    }
    List<Double> sorted = ratios.stream().sorted().toList();
    double median = sorted.get(sorted.size() / 2);
    String date = LocalDate.now(ZoneOffset.UTC).toString();
    String stem = date + "-slowloris" + (label.isEmpty() ? "" : "-" + label);
    Path dir = out != null ? out : ConnectBenchmark.defaultResults();
    Files.createDirectories(dir);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "slowloris");
    json.put("date", date);
    json.put("settings", Map.of("slowloris", slowloris, "gapMs", gapMs, "rate", rate, "phaseSeconds", phaseSeconds,
        "runs", runs, "handshakeTimeout", handshakeTimeout, "pendingPerAddress", pendingPerAddress,
        "serverJvm", String.join(" ", serverJvm)));
    json.put("machine", RunInfo.machine("driver: NIO slowloris + linkgate-client tcp"));
    json.put("loadAverageAtStart", loadAtStart);
    json.put("loadAverageAtEnd", RunInfo.loadAverage());
    json.put("phases", phases);
    json.put("ratios", ratios);
    json.put("medianRatio", median);
    json.put("target", TARGET_RATIO);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(stem + ".json").toFile(), json);
    StringBuilder md = new StringBuilder("# Slowloris benchmark, ").append(date).append("\n\n");
    md.append(String.format(Locale.ROOT,
        "One node (TCP, handshake timeout %s, pending-handshakes-per-address %d). A normal client sends %d msg/s to "
            + "itself (SDK, TCP uplink and downlink); latency from each message's due time to its push. Attacked: "
            + "%d connections from 127.0.0.2 trickling a Hello a byte every %d ms, reconnecting when cut. Phases "
            + "of %d s. Load average at start %s, at end %s.%n%n",
        handshakeTimeout, pendingPerAddress, rate, slowloris, gapMs, phaseSeconds, loadAtStart, RunInfo.loadAverage()));
    md.append("| run | phase | sent | pushed | p50 ms | p99 ms | p99.9 ms | max ms | slowloris cut in phase | mean life ms |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Phase p : phases) {
      Map<String, Object> f = p.figures();
      md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", p.run(), p.kind(),
          f.get("sent"), f.get("pushed"), f.get("pushP50Ms"), f.get("pushP99Ms"), f.get("pushP999Ms"), f.get("pushMaxMs"),
          f.getOrDefault("slowlorisCutInPhase", "-"), f.getOrDefault("slowlorisMeanLifeMs", "-")));
    }
    md.append(String.format(Locale.ROOT, "%nRatios attacked/idle p99 per run: %s; median %.2f (target <= %.1f): %s.%n",
        ratios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList(), median, TARGET_RATIO,
        median <= TARGET_RATIO ? "met" : "missed"));
    Files.writeString(dir.resolve(stem + ".md"), md);
    return median;
  }
}

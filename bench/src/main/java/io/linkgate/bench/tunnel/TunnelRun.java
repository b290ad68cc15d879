package io.linkgate.bench.tunnel;

import io.linkgate.bench.internal.Comparison;
import io.linkgate.bench.internal.NettyIo;
import io.linkgate.bench.internal.PushScenarios;
import io.linkgate.bench.internal.PushTarget;
import io.linkgate.bench.internal.Report;
import io.linkgate.bench.internal.RunInfo;
import io.linkgate.bench.internal.ServerProcess;
import io.linkgate.bench.internal.Warmup;
import io.linkgate.router.Hs256Authenticator;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the tunnel scenarios: each figure for Linkgate and for the raw Jetty baseline, runs
 * alternating between the two so that noise from a shared machine lands on both.
 */
final class TunnelRun {
  private static final String LINKGATE = PushScenarios.LINKGATE;
  private static final String RAW = PushScenarios.RAW;
  private static final Duration UPLINK_WARMUP = Duration.ofSeconds(1);
  private static final Duration UPLINK_WARMUP_LIMIT = Duration.ofSeconds(60);

  private final TunnelSettings s;
  private final PrintStream log;
  private final byte[] secret = new byte[32];
  private final Report report;
  private final Map<String, ServerProcess> servers = new LinkedHashMap<>();
  private final Map<String, TunnelDownlinks> downlinks = new LinkedHashMap<>();
  private final long started = System.nanoTime();
  private EventLoopGroup group;
  private long clockRoundTrip;

  TunnelRun(TunnelSettings settings, PrintStream log) {
    this.s = settings;
    this.log = log;
    this.report = new Report("HTTP tunnel benchmark", s.linkgateSends().subject(), "raw Jetty");
    new SecureRandom().nextBytes(secret);
  }

  Report run() throws Exception {
    String loadStart = RunInfo.loadAverage();
    log.printf("machine: %d cores, io=%s, java %s, load average %s%n",
        Runtime.getRuntime().availableProcessors(), NettyIo.name(), System.getProperty("java.version"),
        loadStart);
    String date = LocalDate.now().toString();
    report.header("date", date);
    report.header("started", LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
    report.header("runs", "push throughput " + s.runs() + ", push latency " + s.latencyRuns()
        + ", uplink " + s.uplinkRuns() + " per batch size");
    report.header("machine", RunInfo.machine(NettyIo.name()));
    report.header("loadAverageAtStart", loadStart);
    report.header("settings", s);
    report.showSpreads();
    group = NettyIo.group(s.clientThreads(), "tunnel-load-client");
    try {
      for (String mode : List.of(LINKGATE, RAW)) {
        servers.put(mode, start(mode));
      }
      if (s.downlinkScenarios()) {
        pushScenarios();
      }
      if (s.has("uplink")) {
        uplinkScenarios();
      }
    } finally {
      for (TunnelDownlinks d : downlinks.values()) {
        d.close();
      }
      for (ServerProcess p : servers.values()) {
        p.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
    String loadEnd = RunInfo.loadAverage();
    log.printf("done after %.0f s%n", (System.nanoTime() - started) / 1e9);
    report.header("seconds", Math.round((System.nanoTime() - started) / 1e9));
    report.header("loadAverageAtEnd", loadEnd);
    report.header("clock", Map.of(
        "method", "System.nanoTime in the server process (push stamp) and in the client process; on "
            + "Linux both read CLOCK_MONOTONIC",
        "verified", clockRoundTrip > 0,
        "widestCheckRoundTripMicros", clockRoundTrip / 1000.0));
    report.header("setup", setupText());
    report.footnote("Load average (1/5/15 min) at start " + loadStart + ", at end " + loadEnd
        + ": other work may have shared the 2 cores; both servers ran in the same run, alternating, "
        + "so the ratios are the result.");
    Path[] files =
        report.write(s.resultsDir(), date + "-tunnel" + (s.label().isEmpty() ? "" : "-" + s.label()));
    log.println();
    log.print(report.markdown());
    log.println("\nwrote " + files[0] + " and " + files[1]);
    return report;
  }

  private ServerProcess start(String mode) throws IOException {
    Map<String, String> args = new LinkedHashMap<>();
    args.put("maxUsers", Integer.toString(s.streams()));
    args.put("threads", Integer.toString(s.serverThreads()));
    if (s.serverSelectors() > 0) {
      args.put("selectors", Integer.toString(s.serverSelectors()));
    }
    args.put("idleTimeoutMs", Long.toString(s.idleTimeoutMs()));
    args.put("secret", Base64.getEncoder().encodeToString(secret));
    args.put("inbox", Integer.toString(s.inboxCapacity()));
    args.put("outboundBytes", Integer.toString(s.outboundQueueBytes()));
    args.put("sends", s.linkgateSends().flag());
    List<String> jvm = new ArrayList<>(s.serverJvmArgs());
    if (s.profile() && mode.equals(LINKGATE)) {
      Path jfr =
          s.logDir().resolve("tunnel-" + mode + "-" + System.currentTimeMillis() + ".jfr").toAbsolutePath();
      jvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
      log.println("profiling " + mode + " into " + jfr);
    }
    ServerProcess p = ServerProcess.start(TunnelServerMain.class.getName(), mode, jvm, args, s.logDir());
    if (p.maxFiles() > 0 && p.maxFiles() < s.streams() + s.uplinkConnections() + 200L) {
      p.close();
      throw new IllegalStateException(mode + " server may open only " + p.maxFiles() + " files");
    }
    return p;
  }

  private InetSocketAddress address(String mode, boolean uplink) {
    ServerProcess p = servers.get(mode);
    int port = uplink ? (int) p.readyValue("uplinkPort") : p.port();
    return new InetSocketAddress("127.0.0.1", port);
  }

  private String token(int user) {
    return Hs256Authenticator.mint(secret, PushTarget.userId(user), Duration.ofHours(2));
  }

  private String elapsed() {
    return String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - started) / 1e9);
  }

  // ---------------------------------------------------------------- pushes

  private void pushScenarios() throws Exception {
    int n = s.streams();
    log.printf("%npush scenarios: %,d streaming downlinks to each server, one per connection (%s)%n",
        n, elapsed());
    String[] tokens = new String[n];
    for (int u = 0; u < n; u++) {
      tokens[u] = token(u);
    }
    for (String mode : List.of(LINKGATE, RAW)) {
      InetSocketAddress a = address(mode, false);
      TunnelDownlinks d = new TunnelDownlinks(group, a);
      downlinks.put(mode, d);
      long t0 = System.nanoTime();
      d.connect(0, n, u -> TunnelDownlinks.request(a, PushTarget.userId(u), tokens[u]), s.maxInFlight(),
          Duration.ofMinutes(5));
      servers.get(mode).awaitConnected(n, Duration.ofMinutes(1));
      log.printf("  %s: %,d streams up in %.1f s%n", mode, n, (System.nanoTime() - t0) / 1e9);
    }
    clockRoundTrip = Math.max(servers.get(LINKGATE).checkClock(5), servers.get(RAW).checkClock(5));
    log.printf("  clock: nanoTime agrees across processes (widest check %.0f us)%n", clockRoundTrip / 1e3);
    new PushScenarios(
            report, log, servers, new LinkedHashMap<>(downlinks), "stream",
            new PushScenarios.Plan(
                n, s.payloadBytes(), s.runs(), s.rounds(), s.burst(), s.burstRounds(),
                s.has("broadcast"), s.has("burst"), s.has("latency"), s.latencySeconds(),
                s.latencyRuns(), s.latencyFraction()))
        .run();
  }

  // ---------------------------------------------------------------- uplinks

  private void uplinkScenarios() throws Exception {
    int c = s.uplinkConnections();
    log.printf("%nuplink scenarios: %d keep-alive connections to each server, one POST in flight each (%s)%n",
        c, elapsed());
    // Senders and recipients are users without a downlink: a Send stores into inboxes and pushes
    // nothing, so the figure is the uplink's alone.
    List<TunnelUplinks.Device> devices = new ArrayList<>();
    int firstSender = s.streams();
    for (int i = 0; i < c; i++) {
      devices.add(
          new TunnelUplinks.Device(
              PushTarget.userId(firstSender + i), token(firstSender + i),
              "user:" + PushTarget.userId(firstSender + c + i)));
    }
    boolean first = true;
    Map<String, String> warmups = new LinkedHashMap<>();
    report.header("uplinkWarmup", warmups);
    for (int batch : s.batches()) {
      Map<String, TunnelUplinks> clients = new LinkedHashMap<>();
      try {
        for (String mode : List.of(LINKGATE, RAW)) {
          clients.put(mode, new TunnelUplinks(group, address(mode, true), devices, batch, s.payloadBytes()));
        }
        // Until the server's JIT has settled (see Warmup); later batch sizes reuse most of the code.
        for (String mode : List.of(LINKGATE, RAW)) {
          TunnelUplinks u = clients.get(mode);
          Warmup.Result w =
              Warmup.untilJitQuiet(
                  servers.get(mode), () -> u.closedLoop(Duration.ZERO, Duration.ofSeconds(2)),
                  first ? 3 : 1, UPLINK_WARMUP_LIMIT, PushScenarios.JIT_QUIET);
          warmups.put(mode + " B=" + batch, w.toString());
          log.printf(Locale.ROOT, "  warm-up %s, %d frames/POST: %s (%s)%n", mode, batch, w, elapsed());
        }
        first = false;
        measure(clients, batch);
      } finally {
        for (TunnelUplinks u : clients.values()) {
          u.close();
        }
      }
    }
  }

  private void measure(Map<String, TunnelUplinks> clients, int batch) throws Exception {
    int c = s.uplinkConnections();
    String name = "uplink, " + batch + " Send" + (batch == 1 ? "" : "s") + "/POST";
    Comparison rate = new Comparison(name, "sends/s", c, true, null);
    Comparison p50 = new Comparison(name + ": POST latency p50", "us", c, false, null);
    Comparison p99 = new Comparison(name + ": POST latency p99", "us", c, false, null);
    Comparison cpu = new Comparison(name + ": server CPU per send (info)", "us", c, false, null);
    for (int run = 0; run < s.uplinkRuns(); run++) {
      for (String mode : RunInfo.order(run, LINKGATE, RAW)) {
        ServerProcess server = servers.get(mode);
        long cpu0 = server.call("CPU", Duration.ofSeconds(10)).get("cpu");
        long clientCpu0 = RunInfo.processCpuNanos();
        TunnelUplinks.Window w =
            clients.get(mode).closedLoop(UPLINK_WARMUP, Duration.ofSeconds(s.uplinkSeconds()));
        double clientPerSend = (RunInfo.processCpuNanos() - clientCpu0) / 1e3 / Math.max(1, w.allFrames());
        double cpuPerSend =
            (server.call("CPU", Duration.ofSeconds(10)).get("cpu") - cpu0) / 1e3 / Math.max(1, w.allFrames());
        boolean isLg = mode.equals(LINKGATE);
        rate.add(isLg, w.framesPerSecond());
        p50.add(isLg, w.latency().getValueAtPercentile(50) / 1e3);
        p99.add(isLg, w.latency().getValueAtPercentile(99) / 1e3);
        cpu.add(isLg, cpuPerSend);
        rate.noteRun(mode + "PostsPerSecond", w.postsPerSecond());
        rate.noteRun(mode + "ClientCpuMicrosPerSend", clientPerSend);
        rate.noteRun(mode + "Failures", w.failures());
        log.printf(Locale.ROOT,
            "  run %d %-8s B=%-2d %,.0f sends/s (%,.0f POST/s)  POST p50 %,.0f us  p99 %,.0f us  "
                + "(CPU per send: server %.1f us, client %.1f us%s)%n",
            run + 1, mode, batch, w.framesPerSecond(), w.postsPerSecond(),
            w.latency().getValueAtPercentile(50) / 1e3, w.latency().getValueAtPercentile(99) / 1e3,
            cpuPerSend, clientPerSend,
            w.failures() > 0 ? ", " + w.failures() + " failed: " + w.lastFailure() : "");
      }
    }
    rate.note("framesPerPost", batch);
    rate.note("connections", c);
    rate.note("secondsPerRun", s.uplinkSeconds());
    report.add(rate);
    report.add(p50);
    report.add(p99);
    report.add(cpu);
  }

  private String setupText() {
    return String.format(Locale.ROOT,
        "Setup: %d cores, %s, each server in its own JVM (%s), load client in a third, on loopback. "
            + "Downlinks: %,d streaming GET responses per server, one per HTTP/1.1 connection, "
            + "%d-byte payloads, %d broadcast rounds and %d rounds of %d-message bursts per run; push "
            + "latency open loop at %.0f%% of Linkgate's broadcast rate, %d s per run. Uplinks: %d "
            + "keep-alive HTTP/1.1 connections, one device and one POST in flight each, %s Send frames "
            + "per POST, %d s measured per run after 1 s of warm-up. Jetty per role: at most %d request "
            + "threads, 1 acceptor, %s, idle timeout %d ms. Load client: Netty (%s) "
            + "speaking HTTP/1.1 itself, %d event loops.",
        Runtime.getRuntime().availableProcessors(), NettyIo.name(), String.join(" ", s.serverJvmArgs()),
        s.streams(), s.payloadBytes(), s.rounds(), s.burstRounds(), s.burst(), s.latencyFraction() * 100,
        s.latencySeconds(), s.uplinkConnections(), s.batches(), s.uplinkSeconds(), s.serverThreads(),
        s.serverSelectors() > 0
            ? s.serverSelectors() + " selectors"
            : "one selector per core (the tunnel's default)",
        s.idleTimeoutMs(), NettyIo.name(), s.clientThreads())
        + s.linkgateSends().setupNote();
  }
}

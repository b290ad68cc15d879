package io.linkgate.bench.grpc;

import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.bench.internal.Comparison;
import io.linkgate.bench.internal.PushScenarios;
import io.linkgate.bench.internal.PushTarget;
import io.linkgate.bench.internal.Report;
import io.linkgate.bench.internal.RunInfo;
import io.linkgate.bench.internal.ServerProcess;
import io.linkgate.bench.internal.Warmup;
import io.linkgate.router.Hs256Authenticator;
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
 * Runs the gRPC scenarios: each figure for Linkgate and for the raw grpc-java baseline, runs
 * alternating between the two so that noise from a shared machine lands on both.
 */
final class GrpcRun {
  private static final String LINKGATE = PushScenarios.LINKGATE;
  private static final String RAW = PushScenarios.RAW;
  private static final Duration UPLINK_WARMUP = Duration.ofSeconds(1);
  private static final Duration UPLINK_WARMUP_LIMIT = Duration.ofSeconds(60);
  private final long started = System.nanoTime();

  private final GrpcSettings s;
  private final PrintStream log;
  private final byte[] secret = new byte[32];
  private final Report report;
  private final Map<String, ServerProcess> servers = new LinkedHashMap<>();
  private final Map<String, GrpcDownlinks> downlinks = new LinkedHashMap<>();
  private EventLoopGroup group;
  private long clockRoundTrip;

  GrpcRun(GrpcSettings settings, PrintStream log) {
    this.s = settings;
    this.log = log;
    this.report = new Report("gRPC benchmark", s.linkgateSends().subject(), "raw grpc-java");
    new SecureRandom().nextBytes(secret);
  }

  Report run() throws Exception {
    String loadStart = RunInfo.loadAverage();
    log.printf("machine: %d cores, io=%s, java %s, load average %s%n",
        Runtime.getRuntime().availableProcessors(), GrpcIo.epoll() ? "epoll" : "nio",
        System.getProperty("java.version"), loadStart);
    String date = LocalDate.now().toString();
    report.header("date", date);
    report.header("started", LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
    report.header("runs", "push throughput " + s.runs() + ", uplink rate " + s.uplinkRuns()
        + ", latencies and uplink to a room " + s.latencyRuns());
    report.header("machine", RunInfo.machine(GrpcIo.epoll() ? "epoll" : "nio"));
    report.header("loadAverageAtStart", loadStart);
    report.header("settings", s);
    report.showSpreads();
    group = GrpcIo.group(s.clientThreads(), "grpc-load-client");
    try {
      for (String mode : List.of(LINKGATE, RAW)) {
        servers.put(mode, start(mode));
      }
      if (s.downlinkScenarios()) {
        pushScenarios();
      }
      if (s.uplinkScenarios()) {
        uplinkScenarios();
      }
    } finally {
      for (GrpcDownlinks d : downlinks.values()) {
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
    Path[] files = report.write(s.resultsDir(), date + "-grpc" + (s.label().isEmpty() ? "" : "-" + s.label()));
    log.println();
    log.print(report.markdown());
    log.println("\nwrote " + files[0] + " and " + files[1]);
    return report;
  }

  private ServerProcess start(String mode) throws IOException {
    Map<String, String> args = new LinkedHashMap<>();
    args.put("maxUsers", Integer.toString(s.streams()));
    args.put("threads", Integer.toString(s.serverThreads()));
    args.put("uplinkThreads", Integer.toString(s.uplinkThreads()));
    args.put("secret", Base64.getEncoder().encodeToString(secret));
    args.put("inbox", Integer.toString(s.inboxCapacity()));
    args.put("outboundBytes", Integer.toString(s.outboundQueueBytes()));
    args.put("sends", s.linkgateSends().flag());
    List<String> jvm = new ArrayList<>(s.serverJvmArgs());
    if (s.profile() && mode.equals(LINKGATE)) {
      Path jfr = s.logDir().resolve("grpc-" + mode + "-" + System.currentTimeMillis() + ".jfr").toAbsolutePath();
      jvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
      log.println("profiling " + mode + " into " + jfr);
    }
    ServerProcess p = ServerProcess.start(GrpcServerMain.class.getName(), mode, jvm, args, s.logDir());
    if (p.maxFiles() > 0 && p.maxFiles() < s.streams() + 200L) {
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

  // ---------------------------------------------------------------- pushes

  private void pushScenarios() throws Exception {
    int n = s.streams();
    log.printf("%npush scenarios: %,d downlink streams to each server, one per connection (%.0f s)%n", n,
        (System.nanoTime() - started) / 1e9);
    byte[][] hellos = hellos(n);
    for (String mode : List.of(LINKGATE, RAW)) {
      GrpcDownlinks d = new GrpcDownlinks(group, address(mode, false));
      downlinks.put(mode, d);
      long t0 = System.nanoTime();
      d.connect(0, n, u -> hellos[u], s.maxInFlight(), Duration.ofMinutes(5));
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

  private byte[][] hellos(int n) {
    byte[][] hellos = new byte[n][];
    for (int u = 0; u < n; u++) {
      String userId = PushTarget.userId(u);
      hellos[u] =
          Frame.newBuilder()
              .setHello(
                  Hello.newBuilder()
                      .setToken(Hs256Authenticator.mint(secret, userId, Duration.ofHours(2)))
                      .setDeviceId(userId)
                      .setRole(Role.DOWNLINK)
                      .setHeartbeatMs(300_000) // no pings needed during a run
                      .setClientVersion("linkgate-bench"))
              .build()
              .toByteArray();
    }
    return hellos;
  }

  // ---------------------------------------------------------------- uplinks

  private void uplinkScenarios() throws Exception {
    int k = s.uplinkCallers();
    log.printf("%nuplink scenarios: %d callers over %d connections to each server, unary Uplink(Send) (%.0f s)%n",
        k, s.uplinkConnections(), (System.nanoTime() - started) / 1e9);
    // Senders and recipients are users without a downlink: a Send stores into inboxes and pushes
    // nothing, so the figure is the uplink's alone.
    int firstSender = s.streams();
    List<GrpcUplinks.Caller> toUsers = new ArrayList<>();
    List<GrpcUplinks.Caller> toRoom = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      String sender = PushTarget.userId(firstSender + i);
      String token = Hs256Authenticator.mint(secret, sender, Duration.ofHours(2));
      toUsers.add(new GrpcUplinks.Caller(token, sender, "user:" + PushTarget.userId(firstSender + k + i)));
      toRoom.add(new GrpcUplinks.Caller(token, sender, "room:bench-empty"));
    }
    Map<String, GrpcUplinks> users = new LinkedHashMap<>();
    Map<String, GrpcUplinks> room = new LinkedHashMap<>();
    try {
      for (String mode : List.of(LINKGATE, RAW)) {
        InetSocketAddress a = address(mode, true);
        users.put(mode, new GrpcUplinks(group, a, s.uplinkConnections(), toUsers, s.payloadBytes()));
        room.put(mode, new GrpcUplinks(group, a, s.uplinkConnections(), toRoom, s.payloadBytes()));
      }
      // An uplink call runs much more code than a push (headers, JWT parsing, dedup, inboxes): with
      // a fixed 5 s warm-up the JIT was still compiling through the measured runs (JFR: 13 of 31 s
      // of compile time fell into them) and Linkgate's first runs came out 2-4x slower than its
      // last. So: warm up until the server's JIT has settled.
      Map<String, String> warmups = new LinkedHashMap<>();
      for (String mode : List.of(LINKGATE, RAW)) {
        Warmup.Result w =
            Warmup.untilJitQuiet(
                servers.get(mode),
                () -> {
                  users.get(mode).closedLoop(Duration.ZERO, Duration.ofSeconds(2));
                  room.get(mode).closedLoop(Duration.ZERO, Duration.ofMillis(500));
                },
                3, UPLINK_WARMUP_LIMIT, PushScenarios.JIT_QUIET);
        warmups.put(mode, w.toString());
        log.printf("  warm-up %s: %s (%.0f s)%n", mode, w, (System.nanoTime() - started) / 1e9);
      }
      report.header("uplinkWarmup", warmups);
      Comparison rate = null;
      if (s.has("uplink") || s.has("uplink-latency")) {
        rate = closedLoop(users, "uplink Send to a user, " + k + " callers", "uplink", s.uplinkRuns(), true);
      }
      if (s.has("uplink-room")) {
        closedLoop(room, "uplink Send to an empty room (info), " + k + " callers", "uplink-room", s.latencyRuns(), false);
      }
      if (s.has("uplink-latency")) {
        uplinkLatency(users, (long) (rate.linkgateMedian() * s.uplinkLatencyFraction()));
      }
    } finally {
      for (GrpcUplinks u : users.values()) {
        u.close();
      }
      for (GrpcUplinks u : room.values()) {
        u.close();
      }
    }
  }

  /**
   * The closed-loop uplink rate, with the latency at that rate and the server's CPU time per call
   * when {@code detail}.
   */
  private Comparison closedLoop(
      Map<String, GrpcUplinks> clients, String name, String what, int runs, boolean detail)
      throws Exception {
    int k = s.uplinkCallers();
    Comparison rate = new Comparison(name, "calls/s", k, true, null);
    Comparison p50 = new Comparison(name + ": p50 at that rate", "us", k, false, null);
    Comparison p99 = new Comparison(name + ": p99 at that rate", "us", k, false, null);
    Comparison cpu = new Comparison(name + ": server CPU per call (info)", "us", k, false, null);
    for (int run = 0; run < runs; run++) {
      for (String mode : RunInfo.order(run, LINKGATE, RAW)) {
        ServerProcess server = servers.get(mode);
        long cpu0 = server.call("CPU", Duration.ofSeconds(10)).get("cpu");
        long clientCpu0 = RunInfo.processCpuNanos();
        GrpcUplinks.Window w =
            clients.get(mode).closedLoop(UPLINK_WARMUP, Duration.ofSeconds(s.uplinkSeconds()));
        double clientPerCall = (RunInfo.processCpuNanos() - clientCpu0) / 1e3 / Math.max(1, w.allCalls());
        long cpuNanos = server.call("CPU", Duration.ofSeconds(10)).get("cpu") - cpu0;
        double cpuPerCall = cpuNanos / 1e3 / Math.max(1, w.allCalls());
        boolean isLg = mode.equals(LINKGATE);
        rate.add(isLg, w.callsPerSecond());
        p50.add(isLg, w.latency().getValueAtPercentile(50) / 1e3);
        p99.add(isLg, w.latency().getValueAtPercentile(99) / 1e3);
        cpu.add(isLg, cpuPerCall);
        rate.noteRun(mode + "Failures", w.failures());
        rate.noteRun(mode + "ClientCpuMicrosPerCall", clientPerCall);
        log.printf(Locale.ROOT,
            "  run %d %-8s %-11s %,.0f calls/s  p50 %,.0f us  p99 %,.0f us  (CPU per call: server %.1f us,"
                + " client %.1f us%s)%n",
            run + 1, mode, what, w.callsPerSecond(), w.latency().getValueAtPercentile(50) / 1e3,
            w.latency().getValueAtPercentile(99) / 1e3, cpuPerCall, clientPerCall,
            w.failures() > 0 ? ", " + w.failures() + " failed: " + w.lastFailure() : "");
      }
    }
    rate.note("callers", k);
    rate.note("connections", s.uplinkConnections());
    rate.note("secondsPerRun", s.uplinkSeconds());
    report.add(rate);
    if (detail) {
      report.add(p50);
      report.add(p99);
    }
    report.add(cpu);
    return rate;
  }

  private void uplinkLatency(Map<String, GrpcUplinks> clients, long rate) throws Exception {
    int k = s.uplinkCallers();
    Comparison p50 = new Comparison("uplink latency p50 at fixed load", "us", k, false, null);
    Comparison p99 = new Comparison("uplink latency p99 at fixed load", "us", k, false, null);
    log.printf("  uplink latency: open loop at %,d calls/s (%.0f%% of Linkgate's uplink rate), %d s a run%n",
        rate, s.uplinkLatencyFraction() * 100, s.uplinkSeconds());
    for (String mode : List.of(LINKGATE, RAW)) {
      clients.get(mode).paced(rate, Duration.ofSeconds(1)); // warm-up at the rate
    }
    for (int run = 0; run < s.latencyRuns(); run++) {
      for (String mode : RunInfo.order(run, LINKGATE, RAW)) {
        GrpcUplinks.Window w = clients.get(mode).paced(rate, Duration.ofSeconds(s.uplinkSeconds()));
        boolean isLg = mode.equals(LINKGATE);
        p50.add(isLg, w.latency().getValueAtPercentile(50) / 1e3);
        p99.add(isLg, w.latency().getValueAtPercentile(99) / 1e3);
        p99.noteRun(mode + "Failures", w.failures());
        log.printf(Locale.ROOT, "  run %d %-8s p50 %,.0f us  p99 %,.0f us  max %,.0f us  (%,.0f calls/s achieved%s)%n",
            run + 1, mode, w.latency().getValueAtPercentile(50) / 1e3,
            w.latency().getValueAtPercentile(99) / 1e3, w.latency().getMaxValue() / 1e3,
            w.callsPerSecond(), w.failures() > 0 ? ", " + w.failures() + " failed: " + w.lastFailure() : "");
      }
    }
    for (Comparison c : List.of(p50, p99)) {
      c.note("offeredRate", rate);
      c.note("secondsPerRun", s.uplinkSeconds());
      report.add(c);
    }
  }

  private String setupText() {
    return String.format(Locale.ROOT,
        "Setup: %d cores, %s, each server in its own JVM (%s), load client in a third, on loopback. "
            + "Downlinks: %,d Downlink streams per server, each on its own HTTP/2 connection (a device "
            + "holds one downlink), %d-byte payloads, %d broadcast rounds and %d rounds of %d-message "
            + "bursts per run; push latency open loop at %.0f%% of Linkgate's broadcast rate, %d s per "
            + "run. Uplinks: %d callers, one unary Uplink(Send) in flight each, over %d HTTP/2 "
            + "connections, %d s measured per run after 1 s of warm-up; uplink latency open loop at "
            + "%.0f%% of Linkgate's uplink rate. Event loops per server: %d downlink, %d uplink. "
            + "Load client: grpc-java ClientCall with byte[] messages, %d event loops.",
        Runtime.getRuntime().availableProcessors(), GrpcIo.epoll() ? "epoll" : "nio",
        String.join(" ", s.serverJvmArgs()), s.streams(), s.payloadBytes(), s.rounds(), s.burstRounds(),
        s.burst(), s.latencyFraction() * 100, s.latencySeconds(), s.uplinkCallers(),
        s.uplinkConnections(), s.uplinkSeconds(), s.uplinkLatencyFraction() * 100, s.serverThreads(),
        s.uplinkThreads(), s.clientThreads())
        + s.linkgateSends().setupNote();
  }
}

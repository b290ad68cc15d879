package io.linkgate.bench.fanout;

import io.linkgate.bench.internal.Comparison;
import io.linkgate.bench.internal.Report;
import io.linkgate.bench.internal.RunInfo;
import io.linkgate.bench.internal.ServerProcess;
import io.linkgate.router.Hs256Authenticator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One fan-out benchmark: both servers and both load clients up at once, then runs that alternate
 * which system goes first. A run: the client starts counting afresh, the server publishes the
 * messages back to back, the driver polls the client until every member has every message. See
 * bench/README.md.
 */
final class FanoutRun {
  static final String LINKGATE = "linkgate";
  static final String SOCKET_IO = "socketio";

  private final FanoutSettings s;
  private final PrintStream out;
  private final Report report = new Report("Room fan-out benchmark", "Linkgate", "Socket.IO 4.8");
  private final Map<String, List<RunFigures>> measured = new LinkedHashMap<>();
  private int incompleteRuns;

  FanoutRun(FanoutSettings settings, PrintStream out) {
    this.s = settings;
    this.out = out;
    measured.put(LINKGATE, new ArrayList<>());
    measured.put(SOCKET_IO, new ArrayList<>());
  }

  /** What one run of one system showed. */
  record RunFigures(
      ClientStats stats, long publishStartNanos, long publishCallNanos, long windowNanos,
      long serverCpuNanos, long clientCpuNanos, String loadAverage) {

    double rate() {
      return stats.deliveredPerSecond(publishStartNanos);
    }

    double serverCpuMicrosPerDelivery() {
      return serverCpuNanos / 1e3 / Math.max(1, stats.received());
    }

    double clientCpuMicrosPerDelivery() {
      return clientCpuNanos / 1e3 / Math.max(1, stats.received());
    }

    /** CPU time over the run's wall time: 1.0 is one core busy the whole time. */
    double serverCores() {
      return serverCpuNanos / (double) windowNanos;
    }

    double clientCores() {
      return clientCpuNanos / (double) windowNanos;
    }
  }

  /** A system under test: its server and its load client, both driven over stdin. */
  private record Side(String name, ServerProcess server, ServerProcess client) {}

  /** Runs everything and writes the report; true when every target was met and nothing was lost. */
  boolean run() throws Exception {
    String date = LocalDate.now(ZoneOffset.UTC).toString();
    String loadStart = RunInfo.loadAverage();
    out.println("load average at start: " + loadStart);
    NodeScripts scripts = NodeScripts.prepare(s.nodeScripts(), s.nodeWorkDir(), s.node(), s.npm(), out);
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    Path tokens = writeTokens(secretText.getBytes(StandardCharsets.UTF_8));
    Path jfr = s.logDir().resolve("fanout-linkgate-" + ProcessHandle.current().pid() + ".jfr");
    List<String> jvm = new ArrayList<>(s.serverJvmArgs());
    if (s.profile()) {
      jvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
    }
    try (ServerProcess lgServer =
            ServerProcess.start(FanoutNodeMain.class.getName(), "fanout-linkgate", jvm, nodeArgs(secretText), s.logDir());
        ServerProcess sioServer =
            started(ServerProcess.startCommand("fanout-socketio", scripts.command("server.js", s.room()), s.logDir()));
        ServerProcess lgClient =
            started(ServerProcess.startCommand(
                "fanout-client-linkgate",
                scripts.command("client.js", LINKGATE, port(lgServer), Integer.toString(s.members()),
                    tokens.toString(), s.room()),
                s.logDir()));
        ServerProcess sioClient =
            started(ServerProcess.startCommand(
                "fanout-client-socketio",
                scripts.command("client.js", SOCKET_IO, port(sioServer), Integer.toString(s.members()), s.room()),
                s.logDir()))) {
      Map<String, Side> sides = new LinkedHashMap<>();
      sides.put(LINKGATE, new Side(LINKGATE, lgServer, lgClient));
      sides.put(SOCKET_IO, new Side(SOCKET_IO, sioServer, sioClient));
      long widest = 0;
      for (Side side : sides.values()) {
        awaitMembers(side);
        widest = Math.max(widest, Math.max(side.server().checkClock(5), side.client().checkClock(5)));
      }
      out.printf(Locale.ROOT, "clock: one CLOCK_MONOTONIC for the four processes (round trip <= %d us)%n", widest / 1000);
      for (int w = 0; w < s.warmupRuns(); w++) {
        for (String name : RunInfo.order(w, LINKGATE, SOCKET_IO)) {
          RunFigures f = measure(sides.get(name));
          out.printf(Locale.ROOT, "warm-up %d %-8s %s%n", w + 1, name, describe(f));
        }
      }
      for (int r = 0; r < s.runs(); r++) {
        for (String name : RunInfo.order(r, LINKGATE, SOCKET_IO)) {
          RunFigures f = measure(sides.get(name));
          measured.get(name).add(f);
          out.printf(Locale.ROOT, "run %d %-8s %s%n", r + 1, name, describe(f));
        }
      }
      buildReport(date, loadStart, scripts.nodeVersion(), widest, s.profile() ? jfr : null);
    }
    String stem = date + "-fanout" + (s.label().isEmpty() ? "" : "-" + s.label());
    Path[] files = report.write(s.resultsDir(), stem);
    out.println(report.markdown());
    out.println("results: " + files[0] + ", " + files[1]);
    if (s.profile()) {
      out.println("JFR recording of the Linkgate node: " + jfr);
    }
    return incompleteRuns == 0 && report.comparisons().stream().allMatch(Comparison::pass);
  }

  private RunFigures measure(Side side) throws IOException, InterruptedException {
    long expected = s.deliveriesPerRun();
    side.client().call("EXPECT " + expected, Duration.ofSeconds(10));
    long serverPid = side.server().readyValue("pid");
    long clientPid = side.client().readyValue("pid");
    long serverCpu0 = ProcessCpu.nanos(serverPid);
    long clientCpu0 = ProcessCpu.nanos(clientPid);
    long wall0 = System.nanoTime();
    Map<String, Long> pub =
        side.server().call("PUBLISH " + s.messages() + " " + s.payload(), Duration.ofSeconds(s.runTimeoutSeconds()));
    ClientStats stats = awaitDeliveries(side);
    long wall1 = System.nanoTime();
    long serverCpu1 = ProcessCpu.nanos(serverPid);
    long clientCpu1 = ProcessCpu.nanos(clientPid);
    if (!stats.complete() || stats.bad() > 0) {
      incompleteRuns++;
    }
    return new RunFigures(
        stats, pub.get("start"), pub.get("end") - pub.get("start"), wall1 - wall0,
        serverCpu1 - serverCpu0, clientCpu1 - clientCpu0, RunInfo.loadAverage());
  }

  /**
   * Polls the client's counts until every delivery is in, or none came for 10 s, or the run's
   * timeout passed (another process: there is nothing to wait on but its answers).
   */
  private ClientStats awaitDeliveries(Side side) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(s.runTimeoutSeconds()).toNanos();
    long lastProgress = System.nanoTime();
    long lastCount = -1;
    while (true) {
      ClientStats stats = ClientStats.parse(side.client().call("STATS", Duration.ofSeconds(10)));
      long now = System.nanoTime();
      if (stats.complete()) {
        return stats;
      }
      if (stats.received() != lastCount) {
        lastCount = stats.received();
        lastProgress = now;
      }
      if (now > deadline || now - lastProgress > Duration.ofSeconds(10).toNanos()) {
        out.printf("%s: %d of %d deliveries arrived; see %s%n", side.name(), stats.received(), stats.expected(),
            side.client().log());
        return stats;
      }
      Thread.sleep(20);
    }
  }

  private void awaitMembers(Side side) throws IOException {
    side.server().awaitConnected(s.members(), Duration.ofSeconds(60));
  }

  private static ServerProcess started(ServerProcess p) throws IOException {
    if (p.readyValue("pid") < 0) {
      p.close();
      throw new IOException(p.mode() + " did not start; see " + p.log());
    }
    return p;
  }

  private static String port(ServerProcess server) {
    return Long.toString(server.readyValue("port"));
  }

  private Map<String, String> nodeArgs(String secretText) {
    Map<String, String> m = new HashMap<>();
    m.put("node", "fanout");
    m.put("secret", secretText);
    m.put("downlinkPorts", "1");
    m.put("threads", Integer.toString(s.serverThreads()));
    m.put("room", s.room());
    return m;
  }

  /** One token a line, user {@code member-<i>}, for the Linkgate client. */
  private Path writeTokens(byte[] key) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.members(); i++) {
      sb.append(Hs256Authenticator.mint(key, "member-" + i, Duration.ofHours(4))).append('\n');
    }
    Path file = s.nodeWorkDir().resolve("tokens.txt");
    Files.writeString(file, sb.toString(), StandardCharsets.US_ASCII);
    return file;
  }

  private static String describe(RunFigures f) {
    ClientStats st = f.stats();
    return String.format(Locale.ROOT,
        "%,.0f msg/s  p50 %,d us  p99 %,d us  max %,d us  (%d/%d delivered, publish calls %.1f ms, "
            + "CPU server %.2f cores %.1f us/msg, client %.2f cores %.1f us/msg, %.1f msgs per client callback, load %s)",
        f.rate(), st.p50Micros(), st.p99Micros(), st.maxMicros(), st.received(), st.expected(),
        f.publishCallNanos() / 1e6, f.serverCores(), f.serverCpuMicrosPerDelivery(), f.clientCores(),
        f.clientCpuMicrosPerDelivery(), st.received() / (double) Math.max(1, st.reads()), f.loadAverage());
  }

  private void buildReport(String date, String loadStart, String nodeVersion, long clockRoundTrip, Path jfr) {
    report.header("benchmark", "fanout");
    report.header("date", date);
    report.header("runs", s.runs());
    report.header("settings", s.describe());
    report.header("machine", RunInfo.machine("Linkgate: TCP downlink transport (epoll); Socket.IO: ws"));
    report.header("node", nodeVersion);
    report.header("clock", Map.of("verified", true, "widestRoundTripMicros", clockRoundTrip / 1000));
    report.header("loadAverageAtStart", loadStart);
    report.header("loadAverageAtEnd", RunInfo.loadAverage());
    report.header("incompleteRuns", incompleteRuns);
    if (jfr != null) {
      report.header("jfr", jfr.toString());
    }
    report.showSpreads();
    int n = s.members();
    add(new Comparison("delivered", "msg/s", n, true, 3.0), RunFigures::rate);
    add(new Comparison("latency p50", "us", n, false, null), f -> f.stats().p50Micros());
    add(new Comparison("latency p99", "us", n, false, 1.0), f -> f.stats().p99Micros());
    add(new Comparison("latency p99.9", "us", n, false, null), f -> f.stats().p999Micros());
    add(new Comparison("server CPU per delivery (info)", "us", n, false, null), RunFigures::serverCpuMicrosPerDelivery);
    add(new Comparison("client CPU per delivery (info)", "us", n, false, null), RunFigures::clientCpuMicrosPerDelivery);
    add(new Comparison("server CPU (info)", "cores", n, false, null), RunFigures::serverCores);
    add(new Comparison("client CPU (info)", "cores", n, false, null), RunFigures::clientCores);
    Comparison delivered = report.comparisons().get(0);
    measured.forEach(
        (name, figures) -> {
          for (RunFigures f : figures) {
            delivered.noteRun(name + "PublishCallMillis", f.publishCallNanos() / 1e6);
            delivered.noteRun(name + "DeliveriesPerClientCallback", f.stats().received() / (double) Math.max(1, f.stats().reads()));
            delivered.noteRun(name + "Received", f.stats().received());
          }
        });
    report.footnote(limits());
    report.footnote(
        "Each run: " + s.messages() + " messages of " + s.payload() + " B published back to back to one room of "
            + n + " members, each on its own connection; one Node load client per system. *delivered* = messages x "
            + "members / (last delivery - first publish call). *server/client CPU* = the process's CPU time "
            + "(/proc/<pid>/stat, all threads) over the run's wall time: 1.0 is one core busy throughout; the Node "
            + "processes run their JavaScript on one thread, so near 1.0 they are the limit.");
  }

  /** Which process of each system was busiest, in medians: the line that says who set the pace. */
  private String limits() {
    StringBuilder sb = new StringBuilder("Busy share of each process (median cores over a run):");
    measured.forEach(
        (name, figures) ->
            sb.append(String.format(Locale.ROOT, " %s server %.2f, its client %.2f;",
                name.equals(LINKGATE) ? "Linkgate" : "Socket.IO",
                Comparison.median(figures.stream().map(RunFigures::serverCores).toList()),
                Comparison.median(figures.stream().map(RunFigures::clientCores).toList()))));
    return sb.append(" a Node process (Socket.IO's server, either client) near 1.0 set the pace; the Linkgate node"
        + " has two event loops and its pushing thread (2 cores on this machine).").toString();
  }

  private void add(Comparison c, java.util.function.ToDoubleFunction<RunFigures> figure) {
    c.jsonKeys(LINKGATE, SOCKET_IO);
    for (Map.Entry<String, List<RunFigures>> e : measured.entrySet()) {
      for (RunFigures f : e.getValue()) {
        c.add(e.getKey().equals(LINKGATE), figure.applyAsDouble(f));
      }
    }
    report.add(c);
  }
}

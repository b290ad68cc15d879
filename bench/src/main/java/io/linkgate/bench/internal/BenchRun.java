package io.linkgate.bench.internal;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
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
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * Runs the scenarios: each figure for Linkgate and for the raw Netty baseline, runs alternating
 * between the two so that noise from a shared machine lands on both.
 */
public final class BenchRun {
  private static final String LINKGATE = "linkgate";
  private static final String RAW = "raw";
  private static final int WARMUP_USERS = 500;

  private final Settings s;
  private final PrintStream log;
  private final byte[] secret = new byte[32];
  private final Report report = new Report();
  private final List<InetAddress> sources = new ArrayList<>();
  private byte[][] hellos;
  private EventLoopGroup group;
  private long clockRoundTrip;
  /** The worst lag of a server's pacing thread behind its schedule, per server. */
  private final Map<String, Double> pusherLagMicros = new LinkedHashMap<>();
  private double lastLagMicros;

  public BenchRun(Settings settings, PrintStream log) {
    this.s = settings;
    this.log = log;
    new SecureRandom().nextBytes(secret);
  }

  /** Runs what the settings ask for and writes the report; returns the comparisons. */
  public Report run() throws Exception {
    long driverFiles = ServerMain.maxFiles();
    log.printf("machine: %d cores, io=%s, open files per process=%d, java %s%n",
        Runtime.getRuntime().availableProcessors(), NettyIo.name(), driverFiles,
        System.getProperty("java.version"));
    int heapNeed = s.has("heap") ? s.heapConnections() + WARMUP_USERS : 0;
    int pushNeed = pushScenarios() ? 2 * s.connections() : 0;
    if (driverFiles > 0 && Math.max(heapNeed, pushNeed) + 200 > driverFiles) {
      throw new IllegalStateException(
          "this process may open " + driverFiles + " files; the run needs about "
              + (Math.max(heapNeed, pushNeed) + 200) + " (lower --connections or raise ulimit -n)");
    }
    for (int i = 0; i < s.sourceAddresses(); i++) {
      sources.add(InetAddress.getByName("127.0.0." + (2 + i)));
    }
    hellos = DownlinkHellos.mint(secret, Math.max(s.heapConnections() + WARMUP_USERS, s.connections()));
    group = NettyIo.group(s.clientThreads(), "load-client");
    String date = LocalDate.now().toString();
    report.header("date", date);
    report.header("started", LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
    report.header(
        "runs", "throughput " + s.runs() + ", heap " + s.heapRuns() + ", latency " + s.latencyRuns());
    report.header("machine", Map.of(
        "cores", Runtime.getRuntime().availableProcessors(),
        "io", NettyIo.name(),
        "maxOpenFilesPerProcess", driverFiles,
        "java", System.getProperty("java.version"),
        "ephemeralPorts", readFile("/proc/sys/net/ipv4/ip_local_port_range")));
    report.header("settings", s);
    try {
      if (s.has("heap")) {
        heap();
      }
      if (pushScenarios()) {
        push();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
    report.header("clock", Map.of(
        "method", "System.nanoTime in the server process (send stamp in the payload) and in the client "
            + "process (receive); on Linux both read CLOCK_MONOTONIC, one clock for the machine",
        "verified", clockRoundTrip > 0,
        "widestCheckRoundTripMicros", clockRoundTrip / 1000.0));
    report.header("setup", setupText());
    Path[] files =
        report.write(s.resultsDir(), date + "-push" + (s.label().isEmpty() ? "" : "-" + s.label()));
    log.println();
    log.print(report.markdown());
    log.println("\nwrote " + files[0] + " and " + files[1]);
    return report;
  }

  private boolean pushScenarios() {
    return s.has("broadcast") || s.has("burst") || s.has("latency");
  }


  private ServerProcess start(String mode, int maxUsers, boolean profile) throws IOException {
    return start(mode, maxUsers, profile, s.serverJvmArgs());
  }

  private ServerProcess start(String mode, int maxUsers, boolean profile, List<String> jvmArgs)
      throws IOException {
    Map<String, String> args = new LinkedHashMap<>();
    args.put("maxUsers", Integer.toString(maxUsers));
    args.put("workers", Integer.toString(s.rawWorkers()));
    args.put("secret", Base64.getEncoder().encodeToString(secret));
    args.put("inbox", Integer.toString(s.inboxCapacity()));
    args.put("outboundBytes", Integer.toString(s.outboundQueueBytes()));
    s.transportOptions().forEach((k, v) -> args.put("opt." + k, v));
    List<String> jvm = new ArrayList<>(jvmArgs);
    if (profile) {
      Path jfr = s.logDir().resolve(mode + "-" + System.currentTimeMillis() + ".jfr").toAbsolutePath();
      jvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
      log.println("profiling " + mode + " into " + jfr);
    }
    ServerProcess p = ServerProcess.start(mode, jvm, args, s.logDir());
    if (p.maxFiles() > 0 && p.maxFiles() < maxUsers + 100L) {
      p.close();
      throw new IllegalStateException(mode + " server may open only " + p.maxFiles() + " files");
    }
    return p;
  }

  private LoadClient client(ServerProcess server) {
    return new LoadClient(group, new InetSocketAddress("127.0.0.1", server.port()), sources);
  }

  private void connect(LoadClient c, ServerProcess server, int first, int count, int expectedOnServer)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    c.connect(first, count, u -> hellos[u], s.maxInFlight(), Duration.ofMinutes(5));
    server.awaitConnected(expectedOnServer, Duration.ofMinutes(1));
    log.printf("  %s: %,d downlinks up in %.1f s%n", server.mode(), count, (System.nanoTime() - t0) / 1e9);
  }

  // ---------------------------------------------------------------- idle heap

  private void heap() throws Exception {
    int n = s.heapConnections();
    Comparison heap = new Comparison("idle heap per downlink", "B", n, false, 3.0);
    Comparison rss = new Comparison("idle resident memory per downlink", "B", n, false, 2.0);
    MemoryBreakdown breakdown = new MemoryBreakdown();
    log.printf("%nidle heap: %,d downlinks, %d runs%s%n", n, s.heapRuns(),
        s.heapNmt() ? ", native memory tracking on" : "");
    for (int run = 0; run < s.heapRuns(); run++) {
      for (String mode : order(run)) {
        Map<String, Long>[] r = heapOnce(mode, n);
        breakdown.add(mode, r[0], r[1], n);
        long heapDelta = r[1].get("heap") - r[0].get("heap");
        long rssDelta = r[1].get("rss") - r[0].get("rss");
        heap.add(mode.equals(LINKGATE), (double) heapDelta / n);
        rss.add(mode.equals(LINKGATE), (double) rssDelta / n);
        log.printf("  run %d %-8s heap %,d B/conn, rss %,d B/conn (heap committed %+,d B/conn), "
                + "direct %+,d B%n",
            run + 1, mode, heapDelta / n, rssDelta / n,
            (r[1].get("heapCommitted") - r[0].get("heapCommitted")) / n,
            r[1].get("direct") - r[0].get("direct"));
      }
    }
    heap.note("method", "heap used after System.gc() (lowest of three) with the downlinks open, minus the "
        + "same before they opened (after " + WARMUP_USERS + " warm-up downlinks came and went), "
        + "divided by the connections");
    rss.note("method", "VmRSS " + s.heapSettleSeconds() + " s after the same collections (the "
        + "process at rest), after minus before, divided by the connections");
    rss.note("breakdownPerConnection", breakdown.runs());
    rss.note("probes", breakdown.probes());
    report.add(heap);
    report.add(rss);
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put(LINKGATE, "Linkgate");
    columns.put(RAW, "raw Netty");
    report.section("### Where the idle downlinks' memory goes\n\n"
        + breakdown.markdown(columns)
        + "\nEach figure: after the downlinks opened minus before, divided by the connections; medians "
        + "over the runs. NMT figures are what the JVM has committed (reserved and mapped), which for "
        + "thread stacks and the heap can be more than is resident.");
  }

  /** The server's memory figures before and after {@code n} idle downlinks opened. */
  @SuppressWarnings("unchecked")
  private Map<String, Long>[] heapOnce(String mode, int n) throws Exception {
    List<String> jvm = new ArrayList<>(s.serverJvmArgs());
    if (s.heapNmt()) {
      jvm.add("-XX:NativeMemoryTracking=summary");
    }
    ServerProcess server = start(mode, n + WARMUP_USERS, false, jvm);
    LoadClient clients = client(server);
    try {
      try (LoadClient warm = client(server)) {
        connect(warm, server, n, WARMUP_USERS, WARMUP_USERS);
      }
      server.awaitConnected(0, Duration.ofMinutes(1));
      // Both probes read the process at rest: after full collections and the same settle time,
      // in which the collector may return to the OS what they freed.
      Duration probe = Duration.ofMinutes(1).plusSeconds(s.heapSettleSeconds());
      Map<String, Long> before = server.call("HEAP " + s.heapSettleSeconds(), probe);
      connect(clients, server, 0, n, n);
      Map<String, Long> after = server.call("HEAP " + s.heapSettleSeconds(), probe);
      return new Map[] {before, after};
    } finally {
      // The server goes first, so TIME_WAIT stays on its side and the client's ports free up.
      server.close();
      clients.close();
    }
  }

  // ---------------------------------------------------------------- push scenarios

  private void push() throws Exception {
    int n = s.connections();
    log.printf("%npush scenarios: %,d downlinks to each server%n", n);
    ServerProcess lg = start(LINKGATE, n, s.profile());
    ServerProcess raw = start(RAW, n, false);
    LoadClient lgClient = client(lg);
    LoadClient rawClient = client(raw);
    try {
      connect(lgClient, lg, 0, n, n);
      connect(rawClient, raw, 0, n, n);
      clockRoundTrip = Math.max(lg.checkClock(5), raw.checkClock(5));
      log.printf("  clock: nanoTime agrees across processes (widest check %.0f us)%n", clockRoundTrip / 1e3);
      Map<String, ServerProcess> servers = Map.of(LINKGATE, lg, RAW, raw);
      Map<String, LoadClient> clients = Map.of(LINKGATE, lgClient, RAW, rawClient);

      log.println("  warm-up");
      for (String mode : order(0)) {
        for (int i = 0; i < 2; i++) {
          throughput(servers.get(mode), clients.get(mode), s.rounds(), 1);
          throughput(servers.get(mode), clients.get(mode), s.burstRounds(), s.burst());
        }
      }

      Comparison broadcast = new Comparison("broadcast, 1 msg/conn", "msg/s", n, true, 0.8);
      Comparison burst = new Comparison("bursts of " + s.burst() + " msgs/conn", "msg/s", n, true, 0.8);
      for (int run = 0; run < s.runs(); run++) {
        for (String mode : order(run)) {
          if (s.has("broadcast") || s.has("latency")) {
            double[] r = throughput(servers.get(mode), clients.get(mode), s.rounds(), 1);
            broadcast.add(mode.equals(LINKGATE), r[0]);
            broadcast.noteRun(mode + "FrameBytes", r[1]);
            broadcast.noteRun(mode + "PusherBusy", r[2]);
            broadcast.noteRun(mode + "PushesPerRead", r[3]);
            broadcast.noteRun(mode + "ServerCpuMicrosPerMessage", r[4]);
            broadcast.noteRun(mode + "AllocatedBytesPerMessage", r[5]);
            broadcast.noteRun(mode + "MinorFaultsPerThousandMessages", r[6]);
            log.printf("  run %d %-8s broadcast %s%n", run + 1, mode, rateText(r));
          }
          if (s.has("burst")) {
            double[] r = throughput(servers.get(mode), clients.get(mode), s.burstRounds(), s.burst());
            burst.add(mode.equals(LINKGATE), r[0]);
            burst.noteRun(mode + "FrameBytes", r[1]);
            burst.noteRun(mode + "PusherBusy", r[2]);
            burst.noteRun(mode + "PushesPerRead", r[3]);
            burst.noteRun(mode + "ServerCpuMicrosPerMessage", r[4]);
            burst.noteRun(mode + "AllocatedBytesPerMessage", r[5]);
            burst.noteRun(mode + "MinorFaultsPerThousandMessages", r[6]);
            log.printf("  run %d %-8s bursts    %s%n", run + 1, mode, rateText(r));
          }
        }
      }
      broadcast.note("messagesPerRun", (long) s.rounds() * n);
      burst.note("messagesPerRun", (long) s.burstRounds() * n * s.burst());
      if (s.has("broadcast") || s.has("latency")) {
        report.add(broadcast);
      }
      if (s.has("burst")) {
        report.add(burst);
      }
      if (s.has("latency")) {
        latency(servers, clients, (long) (broadcast.linkgateMedian() * s.latencyFraction()));
      }
    } finally {
      lg.close();
      raw.close();
      lgClient.close();
      rawClient.close();
    }
  }

  /**
   * One throughput run of {@code rounds} broadcasts. Each broadcast gives every connection one
   * message (or one burst) and must be fully delivered before the next starts, so a server never
   * gets to merge one broadcast's writes with the next one's: the rate is one message per
   * connection per flush (or one burst per flush), as the scenario says. Each round is timed from
   * the first push to the read that delivered its last message; the gaps between rounds (the
   * driver's round trip) are not counted. Returns {rate, bytes per frame, share of the time the
   * pushing thread was busy, pushes per client socket read, server CPU
   * microseconds per message, heap bytes the server allocated per message, its minor page faults
   * per thousand messages}.
   */
  private double[] throughput(ServerProcess server, LoadClient client, int rounds, int burst)
      throws IOException, TimeoutException {
    int n = s.connections();
    long perRound = (long) n * burst;
    long baseBytes = client.receivedBytes();
    long baseReads = client.reads();
    Map<String, Long> before = server.call("CPU", Duration.ofSeconds(10));
    long elapsed = 0;
    long pushing = 0;
    for (int r = 0; r < rounds; r++) {
      long base = client.received();
      Map<String, Long> reply =
          server.call("BROADCAST " + n + " 1 " + burst + " " + s.payloadBytes(), Duration.ofMinutes(2));
      client.awaitReceived(base + perRound, Duration.ofMinutes(2));
      elapsed += client.lastReceiveNanos() - reply.get("start");
      pushing += reply.get("end") - reply.get("start");
    }
    long expected = perRound * rounds;
    Map<String, Long> after = server.call("CPU", Duration.ofSeconds(10));
    return new double[] {
      expected * 1e9 / elapsed,
      (double) (client.receivedBytes() - baseBytes) / expected,
      (double) pushing / elapsed,
      (double) expected / (client.reads() - baseReads),
      (after.get("cpu") - before.get("cpu")) / 1e3 / expected,
      (double) (after.get("alloc") - before.get("alloc")) / expected,
      (after.get("faults") - before.get("faults")) * 1e3 / expected
    };
  }

  private static String rateText(double[] r) {
    return String.format(
        Locale.ROOT,
        "%,.0f msg/s (server CPU %.1f us/msg, pushing thread busy %.0f%%, %.1f pushes per read,"
            + " %,.0f B allocated/msg, %.0f page faults/1k msgs)",
        r[0], r[4], r[2] * 100, r[3], r[5], r[6]);
  }

  /**
   * The p99 line for the servers' collector: on ZGC (a node's default) 1.5x raw Netty, on G1 3x,
   * whose young pauses on 2 cores set both servers' tails; none for the other collectors.
   */
  static Double p99Target(List<String> serverJvm) {
    if (serverJvm.contains("-XX:+UseZGC")) {
      return 1.5;
    }
    for (String other :
        List.of("-XX:+UseSerialGC", "-XX:+UseParallelGC", "-XX:+UseShenandoahGC", "-XX:+UseEpsilonGC")) {
      if (serverJvm.contains(other)) {
        return null;
      }
    }
    return 3.0; // G1, chosen or the JVM's default on a server-class machine
  }

  private void latency(Map<String, ServerProcess> servers, Map<String, LoadClient> clients, long rate)
      throws Exception {
    int n = s.connections();
    Comparison p50 = new Comparison("latency p50", "us", n, false, null);
    Comparison p99 = new Comparison("latency p99", "us", n, false, p99Target(s.serverJvmArgs()));
    Comparison p999 = new Comparison("latency p99.9", "us", n, false, null);
    log.printf("  latency: open loop at %,d msg/s (%.0f%% of Linkgate's broadcast rate), %d s a run%n",
        rate, s.latencyFraction() * 100, s.latencySeconds());
    for (String mode : order(0)) {
      paced(servers.get(mode), clients.get(mode), rate, 1); // warm-up at the rate
    }
    for (int run = 0; run < s.latencyRuns(); run++) {
      for (String mode : order(run)) {
        Histogram h = paced(servers.get(mode), clients.get(mode), rate, s.latencySeconds());
        boolean isLg = mode.equals(LINKGATE);
        p50.add(isLg, h.getValueAtPercentile(50) / 1e3);
        p99.add(isLg, h.getValueAtPercentile(99) / 1e3);
        p999.add(isLg, h.getValueAtPercentile(99.9) / 1e3);
        log.printf("  run %d %-8s p50 %,.0f us  p99 %,.0f us  p99.9 %,.0f us  max %,.0f us"
                + "  (pusher lag up to %,.0f us)%n",
            run + 1, mode, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
            h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, lastLagMicros);
      }
    }
    p99.note("pusherMaxLagMicros", pusherLagMicros);
    for (Comparison c : List.of(p50, p99, p999)) {
      c.note("offeredRate", rate);
      c.note("secondsPerRun", s.latencySeconds());
      report.add(c);
    }
  }

  private Histogram paced(ServerProcess server, LoadClient client, long rate, int seconds)
      throws IOException, TimeoutException {
    long total = rate * seconds;
    client.takeLatency();
    long base = client.received();
    Map<String, Long> r =
        server.call(
            "PACED " + s.connections() + " " + rate + " " + seconds * 1000L + " " + s.payloadBytes(),
            Duration.ofSeconds(seconds + 120L));
    client.awaitReceived(base + total, Duration.ofMinutes(2));
    lastLagMicros = r.get("maxLag") / 1e3;
    pusherLagMicros.merge(server.mode(), lastLagMicros, Math::max);
    return client.takeLatency();
  }

  /** Alternates which server goes first, run by run. */
  private static List<String> order(int run) {
    return run % 2 == 0 ? List.of(LINKGATE, RAW) : List.of(RAW, LINKGATE);
  }

  private String setupText() {
    return String.format(Locale.ROOT,
        "Setup: %d cores, %s, server and load client in separate JVMs on loopback (client source "
            + "addresses 127.0.0.2-%d); idle heap at %,d downlinks; push scenarios at %,d downlinks per "
            + "server, %d-byte payloads (%d broadcast rounds, %d rounds of %d-message bursts per run); "
            + "latency open loop at %.0f%% of Linkgate's broadcast rate for %d s per run, stamped with "
            + "System.nanoTime (machine-wide CLOCK_MONOTONIC, checked across the processes); server JVM %s.",
        Runtime.getRuntime().availableProcessors(), NettyIo.name(), 1 + s.sourceAddresses(),
        s.heapConnections(), s.connections(), s.payloadBytes(), s.rounds(), s.burstRounds(), s.burst(),
        s.latencyFraction() * 100, s.latencySeconds(), String.join(" ", s.serverJvmArgs()));
  }

  private static String readFile(String path) {
    try {
      // procfs files report no size: read the stream to its end rather than by the size.
      try (var in = Files.newInputStream(Path.of(path))) {
        return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
            .trim()
            .replace('\t', '-');
      }
    } catch (IOException e) {
      return "unknown";
    }
  }
}

package io.linkgate.bench.cluster;

import io.linkgate.bench.internal.DownlinkHellos;
import io.linkgate.bench.internal.Comparison;
import io.linkgate.bench.internal.LoadClient;
import io.linkgate.bench.internal.NettyIo;
import io.linkgate.bench.internal.Report;
import io.linkgate.bench.internal.RunInfo;
import io.linkgate.bench.internal.ServerMain;
import io.linkgate.bench.internal.ServerProcess;
import io.linkgate.bench.internal.Warmup;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * Runs the cluster scenarios: each figure for the cross-node path (a push on node A, delivered by
 * node B, through Redis) and for a single node on the in-memory store, runs alternating between the
 * two so that noise from a shared machine lands on both.
 */
final class ClusterRun {
  static final String CLUSTER = "cluster";
  static final String MEMORY = "memory";
  private static final String NODE_A = "node-a";
  private static final String NODE_B = "node-b";
  private static final String SINGLE = "single";
  private static final Duration WARMUP_LIMIT = Duration.ofSeconds(60);
  private static final double JIT_QUIET = 0.1;
  /** A run is quiet when other work used under this share of the cores during it. */
  private static final double QUIET = 0.05;
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);
  /** The router's Lua scripts, by the name EVALSHA calls them with (their SHA-1). */
  private static final List<String> SCRIPTS =
      List.of("append", "read", "register", "unregister", "ack", "clean");
  /** Commands the router's scripts run with redis.call; everything else a gateway sends itself. */
  private static final Set<String> SCRIPT_COMMANDS =
      Set.of("hget", "hset", "hincrby", "del", "rpush", "ltrim", "pexpire", "hvals", "publish", "llen",
          "lrange", "hdel");
  /** What NodeLiveness sends on each beat (every node-ttl / 3): not work a push causes. */
  private static final Set<String> HEARTBEAT = Set.of("SET", "SADD", "SMEMBERS", "EXISTS");

  private final ClusterSettings s;
  private final PrintStream log;
  private final String secret;
  private final long started = System.nanoTime();
  private final Report report =
      new Report("Cluster benchmark", "cross-node (A, Redis, B)", "single node, in-memory");
  private final Map<String, Sys> systems = new LinkedHashMap<>();
  private final List<ServerProcess> processes = new ArrayList<>();
  private final List<InetAddress> sources = new ArrayList<>();
  private final Map<String, String> scriptBySha = new LinkedHashMap<>();
  private final Map<String, List<Usage>> usages = new LinkedHashMap<>();
  private final Map<String, Account> accounts = new LinkedHashMap<>();
  private final List<String> missed = new ArrayList<>();
  private final List<Map<String, Object>> discarded = new ArrayList<>();
  private final Map<String, String> loadAverages = new LinkedHashMap<>();
  private RedisServer redis;
  private RedisProbe probe;
  private EventLoopGroup group;
  private byte[][] hellos;
  private long clockRoundTrip;
  private String redisVersion = "?";
  private final List<Comparison> latencyRows = new ArrayList<>();

  /** One system under test: who pushes, which gateways it runs on, the downlinks it delivers to. */
  record Sys(String name, ServerProcess pusher, List<ServerProcess> gateways, LoadClient client) {}

  /** Every counter a run is measured by, read at one moment. */
  record Snapshot(
      long nanos,
      Map<String, Long> cpuNanos,
      long redisCpuMicros,
      Map<String, RedisInfo.CommandCount> commands,
      long driverCpuNanos,
      long machineBusyNanos,
      long cacheHits,
      long cacheMisses,
      long failures,
      long offline,
      Map<String, Map<String, Long>> threads,
      Map<String, long[]> switches) {}

  /** What one run cost, per message where it says so. */
  record Usage(
      String system,
      String scenario,
      long messages,
      double rate,
      double pusherBusy,
      Map<String, Long> processCpuNanos,
      double gatewayMicros,
      double redisMicros,
      double clientMicros,
      double otherCpuShare,
      Map<String, RedisInfo.CommandCount> commands,
      long cacheHits,
      long cacheMisses,
      long failures,
      Map<String, Map<String, Long>> threadNanos,
      Map<String, long[]> switches,
      double loadAverage) {

    double perMessage(String command) {
      RedisInfo.CommandCount c = commands.get(command);
      return c == null ? 0 : (double) c.calls() / messages;
    }

    /** Every command Redis ran, those inside scripts included, per message. */
    double commandsPerMessage() {
      return commands.values().stream().mapToLong(RedisInfo.CommandCount::calls).sum() / (double) messages;
    }

    /** Microseconds Redis spent inside the commands clients sent (a script's own time included). */
    double topLevelUsecPerMessage() {
      long usec = 0;
      for (Map.Entry<String, RedisInfo.CommandCount> e : commands.entrySet()) {
        if (!SCRIPT_COMMANDS.contains(e.getKey())) {
          usec += e.getValue().usec();
        }
      }
      return (double) usec / messages;
    }
  }

  /**
   * Commands the gateways sent Redis during an accounting pass (MONITOR), by node and by what they
   * were, and those scripts ran, by command.
   */
  record Account(
      long messages, long calls, Map<String, Map<String, Long>> byNode, Map<String, Long> inScripts,
      long cacheHits, long cacheMisses) {

    /** Commands the gateways sent, heartbeats left out, per message: the round trips a push costs. */
    double roundTripsPerMessage() {
      long n = 0;
      for (Map<String, Long> buckets : byNode.values()) {
        for (Map.Entry<String, Long> e : buckets.entrySet()) {
          if (!e.getKey().equals("heartbeat")) {
            n += e.getValue();
          }
        }
      }
      return (double) n / messages;
    }

    double nodePerMessage(String node) {
      return byNode.getOrDefault(node, Map.of()).entrySet().stream()
              .filter(e -> !e.getKey().equals("heartbeat"))
              .mapToLong(Map.Entry::getValue)
              .sum()
          / (double) messages;
    }
  }

  ClusterRun(ClusterSettings settings, PrintStream log) {
    this.s = settings;
    this.log = log;
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    // The assembly takes the secret as text and verifies with its UTF-8 bytes.
    this.secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  /** Runs the scenarios and writes the report; returns whether every target was met. */
  boolean run() throws Exception {
    waitForQuiet();
    String loadStart = RunInfo.loadAverage();
    loadAverages.put("start", loadStart);
    log.printf("machine: %d cores, io=%s, java %s, load average %s%n",
        Runtime.getRuntime().availableProcessors(), NettyIo.name(), System.getProperty("java.version"),
        loadStart);
    long files = ServerMain.maxFiles();
    if (files > 0 && 2L * s.connections() + 300 > files) {
      throw new IllegalStateException("this process may open " + files + " files; the run needs about "
          + (2L * s.connections() + 300) + " (lower --connections or raise ulimit -n)");
    }
    String date = LocalDate.now().toString();
    report.header("date", date);
    report.header("started", LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
    report.header("runs", "direct and burst " + s.runs() + ", lookup " + s.lookupRuns() + ", latency "
        + s.latencyRuns() + " per system");
    report.header("machine", RunInfo.machine(NettyIo.name()));
    report.header("settings", s);
    report.header("source", source());
    report.showSpreads();
    loadScripts();
    for (int i = 0; i < s.sourceAddresses(); i++) {
      sources.add(InetAddress.getByName("127.0.0." + (2 + i)));
    }
    hellos = DownlinkHellos.mint(secret.getBytes(StandardCharsets.UTF_8), s.connections());
    group = NettyIo.group(s.clientThreads(), "load-client");
    try {
      redis = RedisServer.start(s.redisServer(), s.logDir());
      probe = RedisProbe.connect(redis.port());
      Map<String, String> server = RedisInfo.fields(probe.info("server"));
      report.header("redis", Map.of(
          "version", server.getOrDefault("redis_version", "?"),
          "port", redis.port(),
          "persistence", "none (--save \"\" --appendonly no)",
          "ioThreads", configValue("io-threads"),
          "log", redis.log().toString()));
      redisVersion = server.getOrDefault("redis_version", "?");
      log.printf("redis-server %s on port %d (pid %d, no persistence)%n",
          server.getOrDefault("redis_version", "?"), redis.port(), redis.pid());
      startSystems();
      phase("warm-up");
      warmUp();
      phase("measured runs");
      measure();
      if (s.has("latency")) {
        phase("latency");
        latency();
      }
      if (s.has("accounting")) {
        phase("accounting");
        accounting();
      }
    } finally {
      for (Sys sys : systems.values()) {
        sys.client().close();
      }
      for (ServerProcess p : processes) {
        p.close();
      }
      if (probe != null) {
        probe.close();
      }
      if (redis != null) {
        redis.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
    String loadEnd = RunInfo.loadAverage();
    loadAverages.put("end", loadEnd);
    long seconds = Math.round((System.nanoTime() - started) / 1e9);
    log.printf("done after %d s%n", seconds);
    buildReport(loadStart, loadEnd, seconds);
    Path[] written =
        report.write(s.resultsDir(), date + "-cluster" + (s.label().isEmpty() ? "" : "-" + s.label()));
    log.println();
    log.print(report.markdown());
    log.println("\nwrote " + written[0] + " and " + written[1]);
    if (!missed.isEmpty()) {
      log.println("targets missed: " + missed);
    }
    return missed.isEmpty() && report.comparisons().stream().allMatch(Comparison::pass);
  }

  /**
   * With {@code --wait-quiet S}: before anything of this benchmark runs, waits up to S seconds for
   * a 5-second window in which the machine's busy CPU time is under {@code --quiet-share} of the
   * cores (other work on the box, such as test suites, moves the figures).
   */
  private void waitForQuiet() throws InterruptedException {
    if (s.waitQuietSeconds() <= 0) {
      return;
    }
    long t0 = System.nanoTime();
    double share = quietWindow(s.waitQuietSeconds(), s.quietShare(), true);
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("waitedSeconds", Math.round((System.nanoTime() - t0) / 1e9));
    w.put("busyShareOfLastWindow", share);
    w.put("quiet", share < s.quietShare());
    report.header("waitForQuiet", w);
    log.printf("machine busy %.0f%% of the cores before the start (waited %d s)%n", share * 100,
        Math.round((System.nanoTime() - t0) / 1e9));
  }

  /**
   * Waits up to {@code seconds} for a 5-second window in which the machine's busy CPU time (ours
   * included: call it when this benchmark's processes are idle) is under {@code share} of the
   * cores. Returns the last window's share.
   */
  private double quietWindow(int seconds, double share, boolean verbose) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    int cores = Runtime.getRuntime().availableProcessors();
    double last = Double.NaN;
    while (System.nanoTime() < deadline) {
      long b0 = ProcFiles.machineBusyNanos();
      long w0 = System.nanoTime();
      Thread.sleep(5_000);
      long b1 = ProcFiles.machineBusyNanos();
      last = (b1 - b0) / ((System.nanoTime() - w0) * (double) cores);
      if (b0 < 0 || last < share) {
        break;
      }
      if (verbose) {
        log.printf("machine busy: %.0f%% of the cores in the last 5 s; waiting%n", last * 100);
      }
    }
    return last;
  }

  /**
   * Runs one measured run, and again (after waiting for a quiet window) while other work used more
   * than {@code --busy-share} of the cores during it, at most {@code --redo} times per run and
   * {@code --redo-budget} seconds in all. Discarded runs are kept in the report, not hidden.
   */
  private <T> T steady(String what, MeasuredRun<T> run) throws Exception {
    T result = run.run();
    int redo = 0;
    while (otherShare(result) > s.busyShare() && redo < s.redo()
        && redoNanos < TimeUnit.SECONDS.toNanos(s.redoBudgetSeconds())) {
      long t0 = System.nanoTime();
      discarded.add(Map.of("run", what, "otherCpuShare", otherShare(result), "result", describe(result)));
      log.printf("    (%s: other work used %.0f%% of the cores; waiting for a quiet moment and running it again)%n",
          what, otherShare(result) * 100);
      quietWindow(60, s.quietShare(), false);
      result = run.run();
      redo++;
      redoNanos += System.nanoTime() - t0;
    }
    return result;
  }

  /** Time spent on repeats and their waits so far. */
  private long redoNanos;

  /** One measured run: a throughput usage, or a latency run with its usage. */
  interface MeasuredRun<T> {
    T run() throws Exception;
  }

  /** A latency run: the histogram, the pushing node's store stage, and what the run cost. */
  record Paced(Histogram latency, Map<String, Long> stored, double lagMicros, Usage usage) {}

  private static double otherShare(Object result) {
    Usage u = result instanceof Paced p ? p.usage() : (Usage) result;
    return Double.isNaN(u.otherCpuShare()) ? 0 : u.otherCpuShare();
  }

  private static String describe(Object result) {
    if (result instanceof Paced p) {
      return String.format(Locale.ROOT, "p50 %.0f us, p99 %.0f us", p.latency().getValueAtPercentile(50) / 1e3,
          p.latency().getValueAtPercentile(99) / 1e3);
    }
    return String.format(Locale.ROOT, "%.0f msg/s", ((Usage) result).rate());
  }

  private String configValue(String key) throws IOException {
    Object r = probe.call("CONFIG", "GET", key);
    return r instanceof List<?> l && l.size() > 1 ? String.valueOf(l.get(1)) : "?";
  }

  private void phase(String name) {
    String load = RunInfo.loadAverage();
    loadAverages.put(name, load);
    log.printf("%n%s (%.0f s, load average %s)%n", name, (System.nanoTime() - started) / 1e9, load);
  }

  // ---------------------------------------------------------------- setup

  private void startSystems() throws Exception {
    int n = s.connections();
    ServerProcess a = start(NODE_A, "bench-a", "redis");
    ServerProcess b = start(NODE_B, "bench-b", "redis");
    ServerProcess single = start(SINGLE, "bench-single", "memory");
    LoadClient toB = new LoadClient(group, new InetSocketAddress("127.0.0.1", b.port()), sources);
    LoadClient toSingle = new LoadClient(group, new InetSocketAddress("127.0.0.1", single.port()), sources);
    systems.put(CLUSTER, new Sys(CLUSTER, a, List.of(a, b), toB));
    systems.put(MEMORY, new Sys(MEMORY, single, List.of(single), toSingle));
    connect(toB, b, n);
    connect(toSingle, single, n);
    if (a.call("COUNT", Duration.ofSeconds(10)).get("count") != 0) {
      throw new IllegalStateException("node A holds downlinks: the pushes would not cross nodes");
    }
    clockRoundTrip = Math.max(a.checkClock(5), single.checkClock(5));
    log.printf("  clock: nanoTime agrees across processes (widest check %.0f us)%n", clockRoundTrip / 1e3);
  }

  private ServerProcess start(String mode, String nodeId, String store) throws IOException {
    Map<String, String> args = new LinkedHashMap<>();
    args.put("node", nodeId);
    args.put("store", store);
    args.put("redis", redis.uri());
    args.put("secret", secret);
    args.put("maxUsers", Integer.toString(s.connections()));
    args.put("threads", Integer.toString(s.serverThreads()));
    args.put("inbox", Integer.toString(s.inboxCapacity()));
    args.put("outboundBytes", Integer.toString(s.outboundQueueBytes()));
    List<String> jvm = new ArrayList<>(s.serverJvmArgs());
    if (s.profile()) {
      Path jfr = s.logDir().resolve("cluster-" + mode + "-" + System.currentTimeMillis() + ".jfr").toAbsolutePath();
      jvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
      log.println("profiling " + mode + " into " + jfr);
    }
    ServerProcess p = ServerProcess.start(ClusterServerMain.class.getName(), mode, jvm, args, s.logDir());
    processes.add(p);
    log.printf("  %s: %s store, pid %d, downlink port %d, log %s%n", mode, store, p.readyValue("pid"),
        p.port(), p.log());
    return p;
  }

  private void connect(LoadClient c, ServerProcess server, int n) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    c.connect(0, n, u -> hellos[u], s.maxInFlight(), Duration.ofMinutes(5));
    server.awaitConnected(n, Duration.ofMinutes(1));
    log.printf("  %s: %,d downlinks up in %.1f s%n", server.mode(), n, (System.nanoTime() - t0) / 1e9);
  }


  private void loadScripts() throws IOException {
    for (String name : SCRIPTS) {
      try (InputStream in =
          getClass().getResourceAsStream("/io/linkgate/router/internal/redis/" + name + ".lua")) {
        if (in == null) {
          continue;
        }
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        scriptBySha.put(HexFormat.of().formatHex(sha1.digest(in.readAllBytes())), name);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    Map<String, String> byName = new LinkedHashMap<>();
    scriptBySha.forEach((sha, name) -> byName.put(name, sha));
    report.header("routerScripts", byName);
  }

  // ---------------------------------------------------------------- warm-up and runs

  private void warmUp() throws Exception {
    Map<String, String> results = new LinkedHashMap<>();
    for (Sys sys : systems.values()) {
      Warmup.Result w =
          Warmup.untilJitQuiet(
              sys.gateways(),
              () -> {
                throughput(sys, "warm-up", s.rounds(), 1);
                throughput(sys, "warm-up", s.burstRounds(), s.burst());
                if (s.has("lookup")) {
                  lookup(sys, true);
                  throughput(sys, "warm-up", 2, 1);
                  lookup(sys, false);
                }
              },
              2, WARMUP_LIMIT, JIT_QUIET);
      results.put(sys.name(), w.toString());
      log.printf("  %s: %s%n", sys.name(), w);
    }
    report.header("warmup", results);
  }

  private void measure() throws Exception {
    for (int run = 0; run < s.runs(); run++) {
      for (String name : RunInfo.order(run, CLUSTER, MEMORY)) {
        Sys sys = systems.get(name);
        if (s.has("direct")) {
          keep(steady(name + " direct", () -> throughput(sys, "direct", s.rounds(), 1)));
        }
        if (s.has("burst")) {
          keep(steady(name + " burst", () -> throughput(sys, "burst", s.burstRounds(), s.burst())));
        }
      }
    }
    if (s.has("lookup")) {
      for (int run = 0; run < s.lookupRuns(); run++) {
        for (String name : RunInfo.order(run, CLUSTER, MEMORY)) {
          Sys sys = systems.get(name);
          lookup(sys, true);
          try {
            keep(steady(name + " lookup", () -> throughput(sys, "lookup", s.rounds(), 1)));
          } finally {
            lookup(sys, false);
          }
        }
      }
    }
  }

  private static void lookup(Sys sys, boolean on) throws IOException {
    sys.pusher().call("LOOKUP " + (on ? 1 : 0), Duration.ofSeconds(10));
  }

  /**
   * One throughput run of {@code rounds} rounds, each one message (or one burst) to every user,
   * fully delivered before the next starts, timed from the first push to the read that delivered
   * the last message (the push benchmark's method). Costs are over the whole run.
   */
  private Usage throughput(Sys sys, String scenario, int rounds, int burst)
      throws IOException, TimeoutException {
    int n = s.connections();
    long perRound = (long) n * burst;
    Snapshot before = snapshot(sys);
    long elapsed = 0;
    long pushing = 0;
    for (int r = 0; r < rounds; r++) {
      long base = sys.client().received();
      Map<String, Long> reply =
          sys.pusher().call("BROADCAST " + n + " 1 " + burst + " " + s.payloadBytes(), Duration.ofMinutes(2));
      awaitDelivered(sys, base + perRound);
      elapsed += sys.client().lastReceiveNanos() - reply.get("start");
      pushing += reply.get("end") - reply.get("start");
    }
    Snapshot after = snapshot(sys);
    long messages = perRound * rounds;
    return usage(sys, scenario, before, after, messages, messages * 1e9 / elapsed, (double) pushing / elapsed);
  }

  private void keep(Usage u) {
    usages.computeIfAbsent(u.scenario() + "/" + u.system(), k -> new ArrayList<>()).add(u);
    log.printf("  %-7s %-6s %s%n", u.system(), u.scenario(), usageText(u));
  }

  private void awaitDelivered(Sys sys, long target) throws IOException, TimeoutException {
    try {
      sys.client().awaitReceived(target, DELIVERY_TIMEOUT);
    } catch (TimeoutException e) {
      Map<String, Long> f = sys.pusher().call("FAILS", Duration.ofSeconds(10));
      throw new TimeoutException(e.getMessage() + "; pushes failed on " + sys.pusher().mode() + ": "
          + f.get("failures") + " (see " + sys.pusher().log() + "), reported offline: " + f.get("offline"));
    }
  }

  private Snapshot snapshot(Sys sys) throws IOException {
    Map<String, Long> cpu = new LinkedHashMap<>();
    for (ServerProcess p : processes) {
      cpu.put(p.mode(), p.call("CPU", Duration.ofSeconds(10)).get("cpu"));
    }
    Map<String, Map<String, Long>> threads = new LinkedHashMap<>();
    for (ServerProcess p : sys.gateways()) {
      Map<String, Long> t = new TreeMap<>();
      p.call("THREADS", Duration.ofSeconds(10)).forEach((k, v) -> {
        if (k.startsWith("t.")) {
          t.put(k.substring(2), v);
        }
      });
      threads.put(p.mode(), t);
    }
    Map<String, long[]> switches = new LinkedHashMap<>();
    for (ServerProcess p : processes) {
      switches.put(p.mode(), ProcFiles.processContextSwitches(p.readyValue("pid")));
    }
    switches.put("redis-server", ProcFiles.processContextSwitches(redis.pid()));
    switches.put("load client", ProcFiles.processContextSwitches(ProcessHandle.current().pid()));
    Map<String, Long> cache = sys.pusher().call("CACHE", Duration.ofSeconds(10));
    Map<String, Long> fails = sys.pusher().call("FAILS", Duration.ofSeconds(10));
    Map<String, RedisInfo.CommandCount> commands = RedisInfo.commandStats(probe.info("commandstats"));
    long redisCpu = RedisInfo.cpuMicros(RedisInfo.fields(probe.info("cpu")));
    return new Snapshot(
        System.nanoTime(), cpu, redisCpu, commands, RunInfo.processCpuNanos(), ProcFiles.machineBusyNanos(),
        cache.get("hits"), cache.get("misses"), fails.get("failures"), fails.get("offline"), threads,
        switches);
  }

  private Usage usage(Sys sys, String scenario, Snapshot a, Snapshot b, long messages, double rate, double busy) {
    Map<String, Long> cpu = new LinkedHashMap<>();
    long ours = 0;
    for (String mode : b.cpuNanos().keySet()) {
      long d = b.cpuNanos().get(mode) - a.cpuNanos().get(mode);
      cpu.put(mode, d);
      ours += d;
    }
    long gateways = 0;
    for (ServerProcess p : sys.gateways()) {
      gateways += cpu.get(p.mode());
    }
    long redisMicros = b.redisCpuMicros() - a.redisCpuMicros();
    long driver = b.driverCpuNanos() - a.driverCpuNanos();
    ours += redisMicros * 1000 + driver;
    double wall = b.nanos() - a.nanos();
    double other =
        a.machineBusyNanos() < 0
            ? Double.NaN
            : Math.max(0, (b.machineBusyNanos() - a.machineBusyNanos() - ours)
                / (wall * Runtime.getRuntime().availableProcessors()));
    Map<String, RedisInfo.CommandCount> commands = RedisInfo.delta(a.commands(), b.commands());
    commands.remove("info"); // the driver's own readings
    Map<String, Map<String, Long>> threads = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, Long>> e : b.threads().entrySet()) {
      Map<String, Long> before = a.threads().getOrDefault(e.getKey(), Map.of());
      Map<String, Long> d = new TreeMap<>();
      e.getValue().forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
      threads.put(e.getKey(), d);
    }
    Map<String, long[]> switches = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : b.switches().entrySet()) {
      long[] x = a.switches().get(e.getKey());
      long[] y = e.getValue();
      switches.put(e.getKey(), new long[] {y[0] - x[0], y[1] - x[1]});
    }
    double load = loadNow();
    return new Usage(
        sys.name(), scenario, messages, rate, busy, cpu, gateways / 1e3 / messages,
        redisMicros / (double) messages, driver / 1e3 / messages, other, commands,
        b.cacheHits() - a.cacheHits(), b.cacheMisses() - a.cacheMisses(), b.failures() - a.failures(),
        threads, switches, load);
  }

  private String usageText(Usage u) {
    StringBuilder per = new StringBuilder();
    for (Map.Entry<String, Long> e : u.processCpuNanos().entrySet()) {
      if (systems.get(u.system()).gateways().stream().anyMatch(p -> p.mode().equals(e.getKey()))) {
        per.append(per.length() == 0 ? "" : ", ")
            .append(e.getKey()).append(' ')
            .append(String.format(Locale.ROOT, "%.1f", e.getValue() / 1e3 / u.messages()));
      }
    }
    String redisPart =
        u.system().equals(CLUSTER)
            ? String.format(Locale.ROOT, ", redis %.1f us; EVALSHA %.2f, HGETALL %.2f, all commands %.1f per msg",
                u.redisMicros(), u.perMessage("evalsha"), u.perMessage("hgetall"), u.commandsPerMessage())
            : "";
    String cache =
        u.cacheHits() + u.cacheMisses() > 0
            ? String.format(Locale.ROOT, "; near cache %d hits, %d misses", u.cacheHits(), u.cacheMisses())
            : "";
    return String.format(Locale.ROOT,
        "%,9.0f msg/s  CPU/msg: gateways %.1f us (%s)%s, client %.1f us; context switches/msg %.1f; "
            + "pusher busy %.0f%%%s; other CPU %.0f%%, load %.2f%s",
        u.rate(), u.gatewayMicros(), per, redisPart, u.clientMicros(), switchesPerMessage(u),
        u.pusherBusy() * 100, cache,
        u.otherCpuShare() * 100, u.loadAverage(),
        u.failures() > 0 ? "; " + u.failures() + " FAILED pushes" : "");
  }

  /** Context switches per message of the system's gateways, Redis (cross-node) and the client. */
  private double switchesPerMessage(Usage u) {
    long n = 0;
    List<String> who = new ArrayList<>();
    systems.get(u.system()).gateways().forEach(p -> who.add(p.mode()));
    if (u.system().equals(CLUSTER)) {
      who.add("redis-server");
    }
    who.add("load client");
    for (String w : who) {
      long[] c = u.switches().get(w);
      if (c != null && c[0] >= 0) {
        n += c[0] + c[1];
      }
    }
    return (double) n / u.messages();
  }

  // ---------------------------------------------------------------- latency

  private void latency() throws Exception {
    int n = s.connections();
    double clusterRate = Comparison.median(rates("direct/" + CLUSTER));
    long rate = (long) (clusterRate * s.latencyFraction());
    Comparison p50 = comparison("latency p50 at half load", "us", false, null);
    Comparison p99 = comparison("latency p99 at half load", "us", false, 3.0);
    Comparison p999 = comparison("latency p99.9 at half load (info)", "us", false, null);
    Comparison stored50 = comparison("push call to stored on the pushing node, p50 (info)", "us", false, null);
    Comparison stored99 = comparison("push call to stored on the pushing node, p99 (info)", "us", false, null);
    log.printf("  open loop at %,d msg/s (%.0f%% of the cross-node direct rate) to both, %d s a run%n",
        rate, s.latencyFraction() * 100, s.latencySeconds());
    for (Sys sys : systems.values()) {
      paced(sys, rate, 1); // warm-up at the rate
    }
    Map<String, Double> lag = new LinkedHashMap<>();
    for (int run = 0; run < s.latencyRuns(); run++) {
      for (String name : RunInfo.order(run, CLUSTER, MEMORY)) {
        Sys sys = systems.get(name);
        Paced pr = steady(name + " latency", () -> pacedRun(sys, rate));
        Histogram h = pr.latency();
        Map<String, Long> st = pr.stored();
        double[] lagMicros = {pr.lagMicros()};
        p99.noteRun(name + "OtherCpuShare", pr.usage().otherCpuShare());
        boolean isCluster = name.equals(CLUSTER);
        p50.add(isCluster, h.getValueAtPercentile(50) / 1e3);
        p99.add(isCluster, h.getValueAtPercentile(99) / 1e3);
        p999.add(isCluster, h.getValueAtPercentile(99.9) / 1e3);
        stored50.add(isCluster, st.get("p50") / 1e3);
        stored99.add(isCluster, st.get("p99") / 1e3);
        p99.noteRun(name + "LoadAverage", loadNow());
        lag.merge(name, lagMicros[0], Math::max);
        log.printf("  %-7s p50 %,.0f us  p99 %,.0f us  p99.9 %,.0f us  max %,.0f us  (pusher lag up to %,.0f us;"
                + " stored p50 %,.0f us p99 %,.0f us; load %.2f)%n",
            name, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
            h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, lagMicros[0], st.get("p50") / 1e3,
            st.get("p99") / 1e3, loadNow());
      }
    }
    p99.note("pusherMaxLagMicros", lag);
    for (Comparison c : List.of(p50, p99, p999, stored50, stored99)) {
      c.note("offeredRate", rate);
      c.note("secondsPerRun", s.latencySeconds());
      c.note("users", n);
      latencyRows.add(c);
    }
  }

  private Paced pacedRun(Sys sys, long rate) throws IOException, TimeoutException {
    double[] lagMicros = new double[1];
    sys.pusher().call("STORED", Duration.ofSeconds(10));
    Snapshot before = snapshot(sys);
    Histogram h = paced(sys, rate, s.latencySeconds(), lagMicros);
    Snapshot after = snapshot(sys);
    Map<String, Long> st = sys.pusher().call("STORED", Duration.ofSeconds(10));
    long messages = rate * s.latencySeconds();
    return new Paced(h, st, lagMicros[0], usage(sys, "latency", before, after, messages, Double.NaN, Double.NaN));
  }

  private Histogram paced(Sys sys, long rate, int seconds, double... lagMicros)
      throws IOException, TimeoutException {
    long total = rate * seconds;
    sys.client().takeLatency();
    long base = sys.client().received();
    Map<String, Long> r =
        sys.pusher().call(
            "PACED " + s.connections() + " " + rate + " " + seconds * 1000L + " " + s.payloadBytes(),
            Duration.ofSeconds(seconds + 120L));
    awaitDelivered(sys, base + total);
    if (lagMicros.length > 0) {
      lagMicros[0] = r.get("maxLag") / 1e3;
    }
    return sys.client().takeLatency();
  }

  private static double loadNow() {
    try {
      return Double.parseDouble(RunInfo.loadAverage().split(" ")[0]);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  // ---------------------------------------------------------------- accounting (MONITOR)

  /**
   * Which commands the gateways send Redis per push, counted exactly: Redis's MONITOR feed names
   * the client connection of each command, and scripts' own commands as {@code lua}. Each node's
   * connections are found through /proc (its sockets to the Redis port). Not timed: MONITOR costs
   * Redis far more than the commands it shows.
   */
  private void accounting() throws Exception {
    Sys cluster = systems.get(CLUSTER);
    if (s.has("direct")) {
      accounts.put("direct", account(cluster, 1, 1, false));
    }
    if (s.has("burst")) {
      accounts.put("burst", account(cluster, 1, s.burst(), false));
    }
    if (s.has("lookup")) {
      accounts.put("lookup", account(cluster, 2, 1, true));
    }
  }

  private Account account(Sys sys, int rounds, int burst, boolean lookup) throws Exception {
    Map<String, Set<Integer>> ports = new LinkedHashMap<>();
    for (ServerProcess p : sys.gateways()) {
      ports.put(p.mode(), ProcFiles.localPortsTo(p.readyValue("pid"), redis.port()));
    }
    ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    Map<String, Long> cache0 = sys.pusher().call("CACHE", Duration.ofSeconds(10));
    if (lookup) {
      lookup(sys, true);
    }
    int n = s.connections();
    try (RedisProbe monitor = RedisProbe.connect(redis.port())) {
      monitor.monitor(lines::add);
      Thread.sleep(100);
      for (int r = 0; r < rounds; r++) {
        long base = sys.client().received();
        sys.pusher().call("BROADCAST " + n + " 1 " + burst + " " + s.payloadBytes(), Duration.ofMinutes(2));
        awaitDelivered(sys, base + (long) n * burst);
      }
      Thread.sleep(300); // what the last deliveries caused (fills) arrives after them
    } finally {
      if (lookup) {
        lookup(sys, false);
      }
    }
    Map<String, Long> cache1 = sys.pusher().call("CACHE", Duration.ofSeconds(10));
    Map<String, Map<String, Long>> byNode = new TreeMap<>();
    Map<String, Long> inScripts = new TreeMap<>();
    for (String raw : lines) {
      MonitorLine m = MonitorLine.parse(raw, 2);
      if (m == null) {
        continue;
      }
      String cmd = m.command();
      if (m.fromScript()) {
        inScripts.merge(cmd, 1L, Long::sum);
        continue;
      }
      int port = m.port();
      String node = "other client";
      for (Map.Entry<String, Set<Integer>> e : ports.entrySet()) {
        if (e.getValue().contains(port)) {
          node = e.getKey();
        }
      }
      if (port == probe.localPort()) {
        continue; // the driver's INFO readings
      }
      String bucket;
      if (cmd.equals("EVALSHA") && m.args().size() > 1) {
        bucket = "EVALSHA " + scriptBySha.getOrDefault(m.args().get(1).toLowerCase(Locale.ROOT), "?");
      } else if (HEARTBEAT.contains(cmd)) {
        bucket = "heartbeat";
      } else {
        bucket = cmd;
      }
      byNode.computeIfAbsent(node, k -> new TreeMap<>()).merge(bucket, 1L, Long::sum);
    }
    long messages = (long) rounds * n * burst;
    Account a =
        new Account(messages, (long) rounds * n, byNode, inScripts, cache1.get("hits") - cache0.get("hits"),
            cache1.get("misses") - cache0.get("misses"));
    log.printf("  %s x%d%s: %.3f round trips per message; by node %s; inside scripts %s%n",
        burst == 1 ? (lookup ? "lookup" : "direct") : "burst", rounds, burst > 1 ? " of " + burst : "",
        a.roundTripsPerMessage(), byNode, inScripts);
    return a;
  }

  // ---------------------------------------------------------------- report

  private Comparison comparison(String name, String unit, boolean higherIsBetter, Double target) {
    return new Comparison(name, unit, s.connections(), higherIsBetter, target).jsonKeys(CLUSTER, MEMORY);
  }

  private List<Double> rates(String key) {
    return usages.getOrDefault(key, List.of()).stream().map(Usage::rate).toList();
  }

  private void buildReport(String loadStart, String loadEnd, long seconds) {
    for (String scenario : List.of("direct", "burst", "lookup")) {
      List<Usage> c = usages.getOrDefault(scenario + "/" + CLUSTER, List.of());
      List<Usage> m = usages.getOrDefault(scenario + "/" + MEMORY, List.of());
      if (c.isEmpty()) {
        continue;
      }
      String title =
          switch (scenario) {
            case "direct" -> "direct push, 1 msg/user (Router.push)";
            case "burst" -> "bursts of " + s.burst() + " msgs/user (Router.pushAll)";
            default -> "isOnline, then push (info)";
          };
      Comparison rate = comparison(title, "msg/s", true, scenario.equals("direct") ? 0.5 : null);
      Comparison gw = comparison(scenario + ": gateway CPU per message (info)", "us", false, null);
      Comparison all = comparison(scenario + ": gateway + Redis CPU per message (info)", "us", false, null);
      for (List<Usage> side : List.of(c, m)) {
        for (Usage u : side) {
          boolean isCluster = u.system().equals(CLUSTER);
          rate.add(isCluster, u.rate());
          gw.add(isCluster, u.gatewayMicros());
          all.add(isCluster, u.gatewayMicros() + (isCluster ? u.redisMicros() : 0));
          rate.noteRun(u.system() + "PusherBusy", u.pusherBusy());
          rate.noteRun(u.system() + "ClientCpuMicrosPerMessage", u.clientMicros());
          rate.noteRun(u.system() + "OtherCpuShare", u.otherCpuShare());
          rate.noteRun(u.system() + "LoadAverage1m", u.loadAverage());
          rate.noteRun(u.system() + "FailedPushes", u.failures());
          rate.noteRun(u.system() + "ContextSwitchesPerMessage", switchesPerMessage(u));
          for (Map.Entry<String, Long> e : u.processCpuNanos().entrySet()) {
            gw.noteRun(u.system() + "Run:" + e.getKey() + "CpuMicrosPerMessage", e.getValue() / 1e3 / u.messages());
          }
          if (isCluster) {
            all.noteRun("redisCpuMicrosPerMessage", u.redisMicros());
          }
        }
      }
      rate.note("messagesPerRun", c.get(0).messages());
      report.add(rate);
      report.add(gw);
      report.add(all);
    }
    latencyRows.forEach(report::add);
    quietSection();
    redisSection();
    cacheSection();
    timeSection();
    accountingSection();
    report.header("discardedRuns", discarded);
    report.footnote(String.format(Locale.ROOT,
        "Runs done again because other work used more than %.0f%% of the cores during them: %d "
            + "(at most %d per run, %d s in all; each in the JSON under discardedRuns). A run kept after "
            + "its redos ran out may still have been disturbed: its ...OtherCpuShare says so.",
        s.busyShare() * 100, discarded.size(), s.redo(), s.redoBudgetSeconds()));
    report.header("seconds", seconds);
    report.header("loadAverage", loadAverages);
    report.header("clock", Map.of(
        "method", "System.nanoTime in the pushing gateway (stamp in the payload) and in the client "
            + "process (receive); on Linux both read CLOCK_MONOTONIC",
        "verified", clockRoundTrip > 0,
        "widestCheckRoundTripMicros", clockRoundTrip / 1000.0));
    report.header("setup", setupText());
    List<Double> other = new ArrayList<>();
    usages.values().forEach(l -> l.forEach(u -> other.add(u.otherCpuShare())));
    double otherMin = other.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    double otherMax = other.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    report.footnote(String.format(Locale.ROOT,
        "Load average (1/5/15 min) at start %s, at end %s (by phase in the JSON). CPU used on the "
            + "machine by processes other than this benchmark's during the throughput runs: %.0f%% to "
            + "%.0f%% of the 2 cores (/proc/stat busy time minus the benchmark's own processes; per run "
            + "in the JSON as ...OtherCpuShare). Runs alternate between the two systems so that such "
            + "noise lands on both.",
        loadStart, loadEnd, otherMin * 100, otherMax * 100));
  }

  private void redisSection() {
    StringBuilder md = new StringBuilder();
    md.append("## Redis per message (cross-node runs)\n\n");
    md.append("Medians over the runs, from `INFO commandstats` and `INFO cpu` before and after each run; "
        + "round trips from the MONITOR pass (commands the gateways sent, heartbeats left out).\n\n");
    md.append("| scenario | round trips per msg (node A + node B) | EVALSHA per msg | HGETALL per msg "
        + "| PUBLISH per msg | commands per msg, in scripts too | Redis CPU per msg | time inside commands (wall) "
        + "| target | result |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    List<Map<String, Object>> json = new ArrayList<>();
    for (String scenario : List.of("direct", "burst", "lookup")) {
      List<Usage> c = usages.getOrDefault(scenario + "/" + CLUSTER, List.of());
      if (c.isEmpty()) {
        continue;
      }
      Account a = accounts.get(scenario);
      double evalsha = median(c, u -> u.perMessage("evalsha"));
      double hgetall = median(c, u -> u.perMessage("hgetall"));
      double publish = median(c, u -> u.perMessage("publish"));
      double commands = median(c, Usage::commandsPerMessage);
      double cpu = median(c, Usage::redisMicros);
      double inCommands = median(c, Usage::topLevelUsecPerMessage);
      double perCall = scenario.equals("burst") ? 1.0 / s.burst() : 1.0;
      String target = "";
      String result = "";
      Boolean pass = null;
      if (!scenario.equals("lookup")) {
        target = scenario.equals("burst")
            ? String.format(Locale.ROOT, "<= 1 per pushAll (%.3f per msg)", perCall)
            : "<= 1 per push";
        // The accounting pass counts exactly; without it, EVALSHA per message is the best reading.
        double trips = a != null ? a.roundTripsPerMessage() : evalsha;
        pass = trips <= perCall + 1e-9;
        result = pass ? "pass" : "**FAIL**";
        if (!pass) {
          missed.add(scenario + " round trips per message " + trips);
        }
      }
      String trips =
          a == null
              ? "not measured"
              : String.format(Locale.ROOT, "%.3f (%.3f + %.3f)", a.roundTripsPerMessage(),
                  a.nodePerMessage(NODE_A), a.nodePerMessage(NODE_B));
      md.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f | %.3f | %.1f | %.1f us | %.1f us | %s | %s |\n",
          scenario, trips, evalsha, hgetall, publish, commands, cpu, inCommands, target, result));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("scenario", scenario);
      row.put("roundTripsPerMessage", a == null ? null : a.roundTripsPerMessage());
      row.put("evalshaPerMessage", evalsha);
      row.put("hgetallPerMessage", hgetall);
      row.put("publishPerMessage", publish);
      row.put("commandsPerMessageIncludingScripts", commands);
      row.put("redisCpuMicrosPerMessage", cpu);
      row.put("redisMicrosInTopLevelCommandsPerMessage", inCommands);
      row.put("target", target.isEmpty() ? null : target);
      row.put("pass", pass);
      Map<String, Double> perCommand = new TreeMap<>();
      Map<String, Double> usecPerCommand = new TreeMap<>();
      for (String cmd : c.get(c.size() - 1).commands().keySet()) {
        perCommand.put(cmd, median(c, u -> u.perMessage(cmd)));
        usecPerCommand.put(cmd, median(c, u -> {
          RedisInfo.CommandCount cc = u.commands().get(cmd);
          return cc == null ? 0 : (double) cc.usec() / u.messages();
        }));
      }
      row.put("callsPerMessageByCommand", perCommand);
      row.put("redisMicrosPerMessageByCommand", usecPerCommand);
      json.add(row);
    }
    md.append("\nEVALSHA, PUBLISH and the rest count every call Redis ran, those a script made with "
        + "`redis.call` included (Redis counts both); a round trip is a command a gateway sent. "
        + "*Time inside commands* is commandstats' `usec` of the commands the gateways sent (a "
        + "script's whole run counted once): wall-clock time, so on a busy machine it includes time "
        + "Redis was descheduled in the middle of a script and can exceed its CPU time; what is left "
        + "of the CPU time is reading requests, writing replies and pub/sub delivery.\n");
    report.section(md.toString());
    report.header("redisPerMessage", json);
  }

  private void cacheSection() {
    StringBuilder md = new StringBuilder();
    md.append("## Near cache (lookups on the pushing node)\n\n");
    md.append("| scenario | system | lookups per msg | hits | misses | hit rate |\n|---|---|---:|---:|---:|---:|\n");
    Map<String, Object> json = new LinkedHashMap<>();
    for (String scenario : List.of("direct", "burst", "lookup")) {
      for (String system : List.of(CLUSTER, MEMORY)) {
        List<Usage> l = usages.getOrDefault(scenario + "/" + system, List.of());
        if (l.isEmpty()) {
          continue;
        }
        long hits = l.stream().mapToLong(Usage::cacheHits).sum();
        long misses = l.stream().mapToLong(Usage::cacheMisses).sum();
        long messages = l.stream().mapToLong(Usage::messages).sum();
        double rate = hits + misses == 0 ? Double.NaN : (double) hits / (hits + misses);
        md.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %,d | %,d | %s |\n", scenario, system,
            (double) (hits + misses) / messages, hits, misses,
            Double.isNaN(rate) ? "no lookups" : String.format(Locale.ROOT, "%.1f%%", rate * 100)));
        json.put(scenario + "/" + system, Map.of("hits", hits, "misses", misses, "messages", messages,
            "hitRate", Double.isNaN(rate) ? "no lookups" : rate));
      }
    }
    Account a = accounts.get("lookup");
    if (a != null) {
      md.append(String.format(Locale.ROOT,
          "\nAccounting pass (lookup, two rounds back to back, after the cache had expired): %,d hits, "
              + "%,d misses.\n", a.cacheHits(), a.cacheMisses()));
    }
    md.append(String.format(Locale.ROOT,
        "\nRouter.push itself makes no lookup on either store (Redis: the append script reads the "
            + "user's registry hash and publishes to the nodes in it; memory: a single node has no one "
            + "to forward to), so the cache is used only by the driver's `isOnline` in the lookup "
            + "scenario. Each user is looked up once per round, rounds take well under a second, "
            + "entries live 2 s (the router's default `sessionCacheTtl`) and nothing invalidates "
            + "them during a run (no device connects, leaves or acks): only a run's first round "
            + "misses, when the run before it ended more than 2 s earlier, so the hit rate is about "
            + "1 - 1/rounds and says more about the benchmark's shape than about the cache.\n"));
    report.section(md.toString());
    report.header("nearCache", json);
  }

  private void timeSection() {
    StringBuilder md = new StringBuilder();
    md.append("## Where the time goes (CPU per message, all runs of a scenario)\n\n");
    md.append("| scenario | system | process | CPU per msg | context switches per msg (voluntary + involuntary) "
        + "| biggest thread groups (us per msg) |\n"
        + "|---|---|---|---:|---:|---|\n");
    Map<String, Object> json = new LinkedHashMap<>();
    for (String scenario : List.of("direct", "burst")) {
      for (String system : List.of(CLUSTER, MEMORY)) {
        List<Usage> l = usages.getOrDefault(scenario + "/" + system, List.of());
        if (l.isEmpty()) {
          continue;
        }
        long messages = l.stream().mapToLong(Usage::messages).sum();
        Map<String, Object> sysJson = new LinkedHashMap<>();
        for (ServerProcess p : systems.get(system).gateways()) {
          long proc = l.stream().mapToLong(u -> u.processCpuNanos().get(p.mode())).sum();
          Map<String, Long> groups = new TreeMap<>();
          for (Usage u : l) {
            u.threadNanos().getOrDefault(p.mode(), Map.of()).forEach((k, v) -> groups.merge(k, v, Long::sum));
          }
          long javaThreads = groups.values().stream().mapToLong(Long::longValue).sum();
          groups.put("(GC, JIT, VM: not Java threads)", Math.max(0, proc - javaThreads));
          List<Map.Entry<String, Long>> top = new ArrayList<>(groups.entrySet());
          top.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
          StringBuilder t = new StringBuilder();
          Map<String, Double> groupJson = new LinkedHashMap<>();
          for (Map.Entry<String, Long> e : top) {
            double us = e.getValue() / 1e3 / messages;
            groupJson.put(e.getKey(), us);
            if (t.length() < 200 && us >= 0.1) {
              t.append(t.length() == 0 ? "" : ", ").append(e.getKey())
                  .append(String.format(Locale.ROOT, " %.1f", us));
            }
          }
          md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f us | %s | %s |\n", scenario, system,
              p.mode(), proc / 1e3 / messages, switchesText(l, p.mode(), messages), t));
          sysJson.put(p.mode(), Map.of("cpuMicrosPerMessage", proc / 1e3 / messages, "threads", groupJson));
        }
        if (system.equals(CLUSTER)) {
          double redisUs = l.stream().mapToDouble(u -> u.redisMicros() * u.messages()).sum() / messages;
          double inCmds = l.stream().mapToDouble(u -> u.topLevelUsecPerMessage() * u.messages()).sum() / messages;
          md.append(String.format(Locale.ROOT,
              "| %s | %s | redis-server | %.1f us | %s | inside commands (wall) %.1f, of it EVALSHA %.1f; rest of the CPU %s |\n",
              scenario, system, redisUs, switchesText(l, "redis-server", messages), inCmds,
              l.stream().mapToDouble(u -> {
                RedisInfo.CommandCount cc = u.commands().get("evalsha");
                return cc == null ? 0 : cc.usec();
              }).sum() / messages,
              redisUs >= inCmds ? String.format(Locale.ROOT, "%.1f", redisUs - inCmds) : "n/a (wall > CPU)"));
          sysJson.put("redis-server", Map.of("cpuMicrosPerMessage", redisUs, "inCommandsMicrosPerMessage", inCmds));
        }
        double client = l.stream().mapToDouble(u -> u.clientMicros() * u.messages()).sum() / messages;
        md.append(String.format(Locale.ROOT, "| %s | %s | load client | %.1f us | %s | |\n", scenario, system,
            client, switchesText(l, "load client", messages)));
        sysJson.put("loadClient", client);
        json.put(scenario + "/" + system, sysJson);
      }
    }
    md.append("\nThread groups are the JVM's Java threads summed by name without numbers (ThreadMXBean "
        + "CPU time); `main` is the pushing loop. The rest of a process's CPU is GC, JIT and VM "
        + "threads.\n");
    report.section(md.toString());
    report.header("cpuBreakdown", json);
  }

  private static String switchesText(List<Usage> l, String process, long messages) {
    long v = 0;
    long i = 0;
    for (Usage u : l) {
      long[] c = u.switches().get(process);
      if (c == null || c[0] < 0) {
        return "n/a";
      }
      v += c[0];
      i += c[1];
    }
    return String.format(Locale.ROOT, "%.2f + %.2f", (double) v / messages, (double) i / messages);
  }

  /**
   * The throughput figures again from the runs in which other work used under {@link #QUIET} of the
   * cores: what the two systems do on a machine of their own, with how many runs that was.
   */
  private void quietSection() {
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT,
        "## Runs on a quiet machine (other work under %.0f%% of the cores)%n%n", QUIET * 100));
    md.append("| scenario | runs (cross-node / single) | cross-node msg/s | single node msg/s | ratio "
        + "| cross-node gateway + Redis CPU per msg | single node CPU per msg |\n"
        + "|---|---:|---:|---:|---:|---:|---:|\n");
    Map<String, Object> json = new LinkedHashMap<>();
    for (String scenario : List.of("direct", "burst", "lookup")) {
      List<Usage> c = quiet(usages.getOrDefault(scenario + "/" + CLUSTER, List.of()));
      List<Usage> m = quiet(usages.getOrDefault(scenario + "/" + MEMORY, List.of()));
      if (usages.getOrDefault(scenario + "/" + CLUSTER, List.of()).isEmpty()) {
        continue;
      }
      double cr = median(c, Usage::rate);
      double mr = median(m, Usage::rate);
      double cc = median(c, u -> u.gatewayMicros() + u.redisMicros());
      double mc = median(m, Usage::gatewayMicros);
      md.append(String.format(Locale.ROOT, "| %s | %d / %d | %s | %s | %s | %s | %s |\n", scenario, c.size(),
          m.size(), Report.fmt(cr), Report.fmt(mr),
          Double.isNaN(cr / mr) ? "n/a" : String.format(Locale.ROOT, "%.2fx", cr / mr),
          Double.isNaN(cc) ? "n/a" : Report.fmt(cc) + " us", Double.isNaN(mc) ? "n/a" : Report.fmt(mc) + " us"));
      json.put(scenario, Map.of("clusterRuns", c.size(), "memoryRuns", m.size(),
          "clusterRate", cr, "memoryRate", mr, "ratio", cr / mr));
    }
    md.append("\nThe same runs as the main table, filtered by their `...OtherCpuShare`; not a target, "
        + "since which runs were quiet was up to the other work.\n");
    report.section(md.toString());
    report.header("quietRuns", json);
  }

  private static List<Usage> quiet(List<Usage> l) {
    return l.stream().filter(u -> u.otherCpuShare() < QUIET).toList();
  }

  private void accountingSection() {
    if (accounts.isEmpty()) {
      return;
    }
    StringBuilder md = new StringBuilder();
    md.append("## Commands the gateways sent Redis (MONITOR pass, not timed)\n\n");
    md.append("| pass | messages | by node (count) | inside scripts (count) |\n|---|---:|---|---|\n");
    Map<String, Object> json = new LinkedHashMap<>();
    for (Map.Entry<String, Account> e : accounts.entrySet()) {
      Account a = e.getValue();
      md.append(String.format(Locale.ROOT, "| %s | %,d in %,d calls | %s | %s |\n", e.getKey(), a.messages(),
          a.calls(), a.byNode(), a.inScripts()));
      json.put(e.getKey(), Map.of("messages", a.messages(), "routerCalls", a.calls(), "byNode", a.byNode(),
          "inScripts", a.inScripts(), "roundTripsPerMessage", a.roundTripsPerMessage(),
          "nearCacheHits", a.cacheHits(), "nearCacheMisses", a.cacheMisses()));
    }
    md.append("\nNode A issued the pushes; node B held the downlinks. `EVALSHA append` is the push "
        + "(seq, inbox, PUBLISH to B in one script); `EVALSHA read` would be a gap fill on B; "
        + "`HGETALL` a registry lookup (near-cache miss); heartbeats are each node's liveness beat "
        + "(every node-ttl / 3), whatever the load.\n");
    report.section(md.toString());
    report.header("accounting", json);
  }

  private static double median(List<Usage> l, java.util.function.ToDoubleFunction<Usage> f) {
    return Comparison.median(l.stream().map(u -> f.applyAsDouble(u)).toList());
  }

  private String setupText() {
    return String.format(Locale.ROOT,
        "Setup: %d cores, %s. Five processes on loopback: redis-server %s (no persistence), three gateway "
            + "JVMs (%s) started by the assembly from YAML (LinkgateServer, TCP downlinks, %d event "
            + "loops), and the driver with the load client (%d event loops). Cross-node: node A "
            + "(store redis) pushes with Router.push / pushAll from its own pushing thread; node B "
            + "(store redis) holds the %,d downlinks and delivers what Redis tells it. Single node: "
            + "one gateway on the in-memory store holds %,d downlinks and pushes the same way. %d-byte "
            + "payloads; %d rounds per direct run and %d rounds of %d-message bursts per burst run, "
            + "each round one message (or burst) to every user, delivered before the next; latency "
            + "open loop at %.0f%% of the cross-node direct rate, %d s per run, stamped with "
            + "System.nanoTime when each message was due.",
        Runtime.getRuntime().availableProcessors(), NettyIo.name(), redisVersion,
        String.join(" ", s.serverJvmArgs()), s.serverThreads(), s.clientThreads(), s.connections(),
        s.connections(), s.payloadBytes(), s.rounds(), s.burstRounds(), s.burst(),
        s.latencyFraction() * 100, s.latencySeconds());
  }

  /** The commit the driver was built from, as far as git tells. */
  private static Map<String, Object> source() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("commit", git("rev-parse", "HEAD"));
    m.put("uncommittedFiles", git("status", "--porcelain").lines().count());
    m.put("note", "the router, store and assembly classes come from the jar this driver runs from "
        + "(built against the installed module jars); routerScripts has the SHA-1 of each Lua script");
    return m;
  }

  private static String git(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("git");
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor() == 0 ? out : "unknown";
    } catch (IOException | InterruptedException e) {
      return "unknown";
    }
  }
}

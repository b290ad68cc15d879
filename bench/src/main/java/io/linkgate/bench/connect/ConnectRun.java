package io.linkgate.bench.connect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.bench.internal.NodeMain;
import io.linkgate.bench.internal.RunInfo;
import io.linkgate.bench.internal.ServerProcess;
import io.linkgate.client.Endpoints;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * One run of the connect benchmark: a gateway process with three TCP downlink ports, one of them
 * black-holed; for each case (black hole first in every device's list, then at a random position
 * per device, the same positions for every mode) each mode's devices connect in waves and get their
 * first message. See bench/README.md.
 */
final class ConnectRun {
  private static final String ADMIN_TOKEN = "bench-admin-" + Long.toUnsignedString(new SecureRandom().nextLong(), 36);

  private final ConnectSettings s;
  private final PrintStream out;
  private final byte[] secret = new byte[32];
  private final List<PassStats> passes = new ArrayList<>();

  ConnectRun(ConnectSettings settings, PrintStream out) {
    this.s = settings;
    this.out = out;
    new SecureRandom().nextBytes(secret);
  }

  void run() throws Exception {
    String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    // The assembly verifies with the secret text's UTF-8 bytes: mint with the same.
    byte[] key = secretText.getBytes(StandardCharsets.UTF_8);
    String loadAtStart = RunInfo.loadAverage();
    ExecutorService closer = Executors.newFixedThreadPool(4, daemon("client-close"));
    ScheduledExecutorService starter = Executors.newSingleThreadScheduledExecutor(daemon("client-start"));
    try (ServerProcess node = ServerProcess.start(
        NodeMain.class.getName(), "connect-node", s.serverJvmArgs(),
        NodeMain.args("connect-node", secretText, ADMIN_TOKEN, 3), s.logDir())) {
      int[] ports = {(int) node.readyValue("port"), (int) node.readyValue("port2"), (int) node.readyValue("port3")};
      AdminPush admin = new AdminPush((int) node.readyValue("ops"), ADMIN_TOKEN);
      Endpoint hole = tcp(ports[0]);
      List<Endpoint> good = List.of(tcp(ports[1]), tcp(ports[2]));
      out.printf("node up: downlink ports %d (black-holed), %d, %d; log %s%n", ports[0], ports[1], ports[2], node.log());
      Pass pass = new Pass(key, admin, starter, closer);
      pass.run("warm-up", ConnectMode.racing(s.stagger(), s.maxInFlight(), s.sequentialTimeouts().get(0)),
          s.warmup(), i -> good);
      try (io.linkgate.testing.PortBlock drop = io.linkgate.testing.PortBlock.dropSyns(ports[0])) {
        for (String scenario : List.of("first", "random")) {
          PassStats racing = null;
          for (ConnectMode mode : s.modes()) {
            Random positions = new Random(s.seed()); // the same positions for every mode
            IntFunction<List<Endpoint>> lists = scenario.equals("first")
                ? i -> withHoleAt(0, hole, good)
                : i -> withHoleAt(positions.nextInt(3), hole, good);
            PassStats p = pass.run(scenario, mode, s.clients(), lists);
            passes.add(p);
            racing = racing == null ? p : racing;
            out.println("  " + p.row(racing));
          }
        }
      }
    } finally {
      starter.shutdownNow();
      closer.shutdown();
      closer.awaitTermination(30, TimeUnit.SECONDS);
    }
    write(loadAtStart);
  }

  /** Whether every measured device got its first message. */
  boolean allDelivered() {
    return passes.stream().allMatch(p -> p.ok() == p.clients());
  }

  /** Runs the devices of one pass in waves and waits for all of them. */
  private final class Pass {
    private final byte[] key;
    private final AdminPush admin;
    private final ScheduledExecutorService starter;
    private final ExecutorService closer;
    private int passNo;

    Pass(byte[] key, AdminPush admin, ScheduledExecutorService starter, ExecutorService closer) {
      this.key = key;
      this.admin = admin;
      this.starter = starter;
      this.closer = closer;
    }

    PassStats run(String scenario, ConnectMode mode, int clients, IntFunction<List<Endpoint>> lists) throws Exception {
      int no = passNo++;
      String loadBefore = RunInfo.loadAverage();
      long t0 = System.nanoTime();
      Duration limit = mode.connectTimeout().multipliedBy(2).plusSeconds(15);
      List<CompletableFuture<FirstMessage.Result>> all = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        all.add(new CompletableFuture<>());
      }
      for (int i = 0; i < clients; i++) {
        int device = i;
        List<Endpoint> endpoints = lists.apply(i); // drawn here, in device order, for repeatability
        String user = "p" + no + "-u" + i;
        String token = Hs256Authenticator.mint(key, user, Duration.ofHours(1));
        long delayMs = (long) (i / s.wave()) * s.waveIntervalMs();
        starter.schedule(() -> {
          try {
            FirstMessage.measure(endpoints, mode, user, token, admin, closer, limit)
                .whenComplete((r, e) -> all.get(device).complete(
                    e == null ? r : new FirstMessage.Result(-1, -1, e.toString())));
          } catch (RuntimeException e) {
            all.get(device).complete(new FirstMessage.Result(-1, -1, "build: " + e));
          }
        }, delayMs, TimeUnit.MILLISECONDS);
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
      double seconds = (System.nanoTime() - t0) / 1e9;
      List<FirstMessage.Result> results = all.stream().map(CompletableFuture::join).toList();
      PassStats p = PassStats.of(scenario, mode, results, loadBefore, RunInfo.loadAverage(), seconds);
      out.printf("%s, %s: %d/%d devices got their first message in %.1f s%n",
          scenario, mode.name(), p.ok(), clients, seconds);
      return p;
    }
  }

  private static List<Endpoint> withHoleAt(int position, Endpoint hole, List<Endpoint> good) {
    List<Endpoint> list = new ArrayList<>(good);
    list.add(position, hole);
    return list;
  }

  private static Endpoint tcp(int port) {
    return Endpoints.of("tcp", Role.DOWNLINK, "127.0.0.1", port);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private void write(String loadAtStart) throws IOException {
    String date = LocalDate.now(ZoneOffset.UTC).toString();
    String stem = date + "-connect" + (s.label().isEmpty() ? "" : "-" + s.label());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "connect");
    json.put("date", date);
    json.put("settings", s.describe());
    json.put("machine", RunInfo.machine("client: linkgate-client tcp transport"));
    json.put("loadAverageAtStart", loadAtStart);
    json.put("loadAverageAtEnd", RunInfo.loadAverage());
    json.put("passes", passes.stream().map(PassStats::toMap).toList());
    Files.createDirectories(s.resultsDir());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(s.resultsDir().resolve(stem + ".json").toFile(), json);
    StringBuilder md = new StringBuilder("# Connect benchmark, ").append(date).append("\n\n");
    md.append(String.format(
        "%d devices per pass, each given 3 TCP downlink endpoints of one node, one of which drops SYNs "
            + "(iptables). Time from `connect()` to `Welcome` and to the first push (requested through "
            + "the admin API when the `Welcome` is in). Waves of %d devices every %d ms. Ratios: the "
            + "mode's figure / racing's, same case, same run. Load average (1 min) at start %s, at end %s "
            + "(the machine is shared; other engineers were building).%n%n",
        s.clients(), s.wave(), s.waveIntervalMs(), loadAtStart, RunInfo.loadAverage()));
    md.append(PassStats.header()).append('\n');
    PassStats racing = null;
    for (PassStats p : passes) {
      racing = racing == null || !racing.scenario().equals(p.scenario()) ? p : racing;
      md.append(p.row(racing)).append('\n');
    }
    for (PassStats p : passes) {
      if (!p.failures().isEmpty()) {
        md.append("\nFailures in ").append(p.scenario()).append(", ").append(p.mode()).append(": ")
            .append(String.join("; ", p.failures())).append('\n');
      }
    }
    Files.writeString(s.resultsDir().resolve(stem + ".md"), md.toString());
    out.println("results: " + s.resultsDir().resolve(stem + ".md"));
  }
}

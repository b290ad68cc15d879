package io.linkgate.bench.dispatch;

import io.linkgate.api.proto.DispatchResponse;
import io.linkgate.bench.cluster.RedisServer;
import io.linkgate.bench.internal.Comparison;
import io.linkgate.bench.internal.NodeMain;
import io.linkgate.bench.internal.Report;
import io.linkgate.bench.internal.RunInfo;
import io.linkgate.bench.internal.ServerProcess;
import io.linkgate.router.Hs256Authenticator;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * One run of the dispatch benchmark: two gateway processes on one redis-server with dispatch on,
 * and two raw Jetty processes answering the same bytes, loaded in turn by the same client. See
 * bench/README.md.
 */
final class DispatchRun {
  private final DispatchSettings s;
  private final PrintStream out;
  private final Report report = new Report("Dispatch benchmark", "Linkgate", "raw Jetty");
  private final Comparison rate;
  private final Comparison p50;
  private final Comparison p99;
  private final Comparison cpu;

  DispatchRun(DispatchSettings settings, PrintStream out) {
    this.s = settings;
    this.out = out;
    int c = settings.connections();
    rate = new Comparison("GET /v1/dispatch, protobuf", "req/s", c, true, null);
    p50 = new Comparison("latency p50", "µs", c, false, null);
    p99 = new Comparison("latency p99", "µs", c, false, null);
    cpu = new Comparison("server CPU per request (both processes)", "µs", c, false, null);
    report.showSpreads();
  }

  /** @return whether every request of every run was answered 200 */
  boolean run() throws Exception {
    String loadStart = RunInfo.loadAverage();
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    byte[][] requests = new byte[s.users()][];
    for (int i = 0; i < requests.length; i++) {
      // The assembly verifies with the secret text's UTF-8 bytes: mint with the same.
      requests[i] = HttpLoad.request(Hs256Authenticator.mint(secret.getBytes(StandardCharsets.UTF_8), "d" + i, Duration.ofHours(1)));
    }
    boolean clean = true;
    List<ServerProcess> all = new ArrayList<>();
    try (RedisServer redis = RedisServer.start(s.redisServer(), s.logDir())) {
      List<ServerProcess> nodes = List.of(node("dispatch-a", secret, redis, all), node("dispatch-b", secret, redis, all));
      byte[] answer = awaitBothNodes(nodes.get(0), requests[0]);
      out.printf("nodes up (redis %d); a protobuf answer is %d bytes, %d downlink endpoints%n",
          redis.port(), answer.length, DispatchResponse.parseFrom(answer).getDownlinkCount());
      List<ServerProcess> raws = new ArrayList<>();
      for (String name : List.of("raw-a", "raw-b")) {
        ServerProcess p = ServerProcess.start(RawDispatchServer.class.getName(), name, s.serverJvmArgs(),
            Map.of("body", Base64.getEncoder().encodeToString(answer)), s.logDir());
        raws.add(p);
        all.add(p);
      }
      // Until the JIT has compiled the request path of every process, a run measures the compiler.
      for (List<ServerProcess> side : List.of(nodes, raws)) {
        HttpLoad.run(ports(side == nodes, side), requests, s.connections(), 0, Duration.ofSeconds(s.jitWarmupSeconds()).toNanos());
      }
      out.printf("warmed up %d s per side; load %s%n", s.jitWarmupSeconds(), RunInfo.loadAverage());
      for (int run = 0; run < s.runs(); run++) {
        for (String side : RunInfo.order(run, "linkgate", "raw")) {
          clean &= measure(side.equals("linkgate"), side.equals("linkgate") ? nodes : raws, requests);
        }
      }
      report.header("answerBytes", answer.length);
    } finally {
      for (ServerProcess p : all) {
        p.close();
      }
    }
    write(loadStart);
    return clean;
  }

  private ServerProcess node(String name, String secret, RedisServer redis, List<ServerProcess> all) throws IOException {
    Map<String, String> args = NodeMain.args(name, secret, "bench-admin-token-dispatch", 1);
    args.put("store", "redis");
    args.put("redis", redis.uri());
    args.put("dispatch", "true");
    ServerProcess p = ServerProcess.start(NodeMain.class.getName(), name, s.serverJvmArgs(), args, s.logDir());
    all.add(p);
    return p;
  }

  /** Asks node A until its answer lists both nodes (each publishes its status once a second). */
  private byte[] awaitBothNodes(ServerProcess a, byte[] anyRequest) throws IOException, InterruptedException {
    String token = new String(anyRequest, StandardCharsets.US_ASCII).replaceAll("(?s).*Bearer (\\S+)\r\n.*", "$1");
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.readyValue("dispatch") + "/v1/dispatch"))
        .header("Authorization", "Bearer " + token).header("Accept", "application/x-protobuf").build();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      HttpResponse<byte[]> r = http.send(get, HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() == 200 && DispatchResponse.parseFrom(r.body()).getDownlinkCount() >= 2) {
        return r.body();
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("dispatch did not list both nodes within 20 s: HTTP " + r.statusCode()
            + "; see " + a.log());
      }
      Thread.sleep(200);
    }
  }

  private static List<Integer> ports(boolean linkgate, List<ServerProcess> servers) {
    return servers.stream().map(p -> (int) p.readyValue(linkgate ? "dispatch" : "port")).toList();
  }

  private boolean measure(boolean linkgate, List<ServerProcess> servers, byte[][] requests)
      throws InterruptedException, IOException {
    long cpuBefore = cpu(servers);
    long warm = Duration.ofSeconds(s.warmupSeconds()).toNanos();
    HttpLoad.Result r = HttpLoad.run(ports(linkgate, servers), requests, s.connections(), warm, Duration.ofSeconds(s.seconds()).toNanos());
    long cpuNanos = cpu(servers) - cpuBefore;
    rate.add(linkgate, r.perSecond());
    p50.add(linkgate, r.latencyMicros().getValueAtPercentile(50));
    p99.add(linkgate, r.latencyMicros().getValueAtPercentile(99));
    cpu.add(linkgate, cpuNanos / 1e3 / Math.max(1, r.allRequests()));
    out.printf("  %-8s %,8.0f req/s  p50 %,6d µs  p99 %,7d µs  %d-byte bodies  failures %d%s  load %s%n",
        linkgate ? "linkgate" : "raw", r.perSecond(), r.latencyMicros().getValueAtPercentile(50),
        r.latencyMicros().getValueAtPercentile(99), r.lastBodyBytes(), r.failures(),
        r.firstError() == null ? "" : " (" + r.firstError() + ")", RunInfo.loadAverage());
    rate.noteRun(linkgate ? "linkgateFailures" : "rawFailures", r.failures());
    rate.noteRun(linkgate ? "linkgateLoadAverage1m" : "rawLoadAverage1m", Double.parseDouble(RunInfo.loadAverage().split(" ")[0]));
    return r.failures() == 0;
  }

  /** CPU time of the processes (utime + stime from /proc, 10 ms ticks), in nanoseconds. */
  private static long cpu(List<ServerProcess> servers) throws IOException {
    long ticks = 0;
    for (ServerProcess p : servers) {
      String stat = Files.readString(Path.of("/proc", Long.toString(p.readyValue("pid")), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of stat(5)
    }
    return ticks * 10_000_000L;
  }

  private void write(String loadStart) throws IOException {
    String date = LocalDate.now(ZoneOffset.UTC).toString();
    String loadEnd = RunInfo.loadAverage();
    report.header("date", date);
    report.header("runs", s.runs() + " per side, " + s.seconds() + " s each, after " + s.jitWarmupSeconds() + " s of warm-up per side");
    report.header("machine", RunInfo.machine("client: blocking sockets, HTTP/1.1 keep-alive"));
    report.header("settings", s.describe());
    report.header("loadAverageAtStart", loadStart);
    report.header("loadAverageAtEnd", loadEnd);
    for (Comparison c : List.of(rate, p50, p99, cpu)) {
      report.add(c);
    }
    report.footnote("Two Linkgate nodes on one redis-server (dispatch listener on each; the answer lists "
        + "both nodes) against two raw Jetty processes answering the same protobuf bytes, "
        + s.connections() + " kept-alive connections spread over the two processes of a side, one request "
        + "in flight each, " + s.users() + " users with their own tokens in turn. Runs alternate which side "
        + "goes first. Server CPU per request counts every thread of both processes (GC, JIT, the node's "
        + "status beat and Redis client included) over each run and its unmeasured start, divided by every "
        + "request answered in that time; the warm-up of " + s.jitWarmupSeconds() + " s per side before the first "
        + "run is not counted. Load average "
        + "(1/5/15 min) at start " + loadStart + ", at end " + loadEnd + ": the 2-core machine was shared "
        + "with other engineers' builds, so absolute figures move; compare the ratios.");
    String stem = date + "-dispatch" + (s.label().isEmpty() ? "" : "-" + s.label());
    Path[] files = report.write(s.resultsDir(), stem);
    out.println(report.markdown());
    out.println("results: " + files[1]);
  }
}

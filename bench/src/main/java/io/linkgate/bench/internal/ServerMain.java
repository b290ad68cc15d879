package io.linkgate.bench.internal;

import io.linkgate.server.WarmHeap;
import com.sun.management.UnixOperatingSystemMXBean;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The server process. The driver starts it with the same class path, reads {@code @@ READY}, then
 * drives it over stdin: one command a line, one {@code @@ } reply line each ({@code key=value}
 * pairs). Anything else on stdout is log noise and ignored by the driver.
 *
 * <p>Arguments, as {@code key=value}: {@code mode} (linkgate|raw), {@code secret} (base64), {@code
 * maxUsers}, {@code workers}, {@code inbox}, {@code outboundBytes}, and {@code opt.<name>} for
 * transport options.
 */
public final class ServerMain {
  private ServerMain() {}

  public static void main(String[] argv) throws Exception {
    BenchLogging.quiet();
    WarmHeap.startIfZgc(); // the JVM setup a node has, for Linkgate and raw servers alike
    Map<String, String> options = new HashMap<>();
    Map<String, String> args = parseArgs(argv, options);
    String mode = args.getOrDefault("mode", "raw");
    int maxUsers = Integer.parseInt(args.getOrDefault("maxUsers", "20000"));
    String host = args.getOrDefault("host", "127.0.0.1");
    String from = "bench-pusher";
    PushTarget target =
        switch (mode) {
          case "raw" ->
              new RawNettyServer(
                  host, maxUsers, Integer.parseInt(args.getOrDefault("workers", "2")), from);
          case "linkgate" ->
              new LinkgateNode(
                  host,
                  Base64.getDecoder().decode(args.get("secret")),
                  maxUsers,
                  Integer.parseInt(args.getOrDefault("inbox", "1000")),
                  Integer.parseInt(args.getOrDefault("outboundBytes", "4194304")),
                  options,
                  from);
          default -> throw new IllegalArgumentException("mode must be linkgate or raw: " + mode);
        };
    serve(target, "");
  }

  /**
   * Splits {@code key=value} arguments; those named {@code opt.<name>} go to {@code options}
   * without the prefix, the rest are returned.
   */
  public static Map<String, String> parseArgs(String[] argv, Map<String, String> options) {
    Map<String, String> args = new HashMap<>();
    for (String a : argv) {
      int eq = a.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("expected key=value, got " + a);
      }
      String k = a.substring(0, eq);
      if (k.startsWith("opt.")) {
        options.put(k.substring(4), a.substring(eq + 1));
      } else {
        args.put(k, a.substring(eq + 1));
      }
    }
    return args;
  }

  /**
   * Announces {@code @@ READY port=... <readyExtras>} and runs the command loop on stdin until QUIT
   * or its end, then exits the process.
   *
   * Commands: COUNT, NANO, CPU, JIT, HEAP [settle seconds], BROADCAST, PACED, QUIT.
   *
   * @param readyExtras more {@code key=value} pairs for the READY line, or empty
   */
  public static void serve(PushTarget target, String readyExtras) throws Exception {
    serve(target, readyExtras, null);
  }

  /**
   * As {@link #serve(PushTarget, String)}, with more commands: a command this loop does not know
   * goes to {@code extra} (its words, split on spaces), which returns the reply's {@code key=value}
   * pairs, or null for an unknown command.
   */
  public static void serve(PushTarget target, String readyExtras, Function<String[], String> extra)
      throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.println("@@ READY port=" + target.port() + " pid=" + ProcessHandle.current().pid()
        + " maxFiles=" + maxFiles() + " epoll=" + (NettyIo.epoll() ? 1 : 0)
        + (readyExtras.isEmpty() ? "" : " " + readyExtras));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] c = line.trim().split("\\s+");
      try {
        switch (c[0]) {
          case "COUNT" -> out.println("@@ count=" + target.connected());
          case "NANO" -> out.println("@@ nanos=" + System.nanoTime());
          case "CPU" ->
              out.println("@@ cpu=" + cpuNanos() + " alloc=" + ProcessCounters.allocatedBytes()
                  + " faults=" + ProcessCounters.minorFaults());
          case "JIT" -> out.println("@@ jit=" + jitMillis());
          case "HEAP" ->
              out.println("@@ " + MemoryProbe.line(MemoryProbe.read(c.length > 1 ? i(c[1]) : 0)));
          case "BROADCAST" -> {
            Pusher.Result r =
                Pusher.broadcast(target, i(c[1]), i(c[2]), i(c[3]), i(c[4]));
            out.println("@@ " + result(r));
          }
          case "PACED" -> {
            Pusher.Result r =
                Pusher.paced(target, i(c[1]), Long.parseLong(c[2]), Long.parseLong(c[3]), i(c[4]));
            out.println("@@ " + result(r));
          }
          case "QUIT" -> {
            target.close();
            out.println("@@ bye=1");
            System.exit(0);
          }
          default -> {
            String reply = extra == null ? null : extra.apply(c);
            out.println(reply == null ? "@@ error=unknown_command" : "@@ " + reply);
          }
        }
      } catch (RuntimeException e) {
        System.err.println("command failed: " + line + ": " + e);
        out.println("@@ error=" + e.getClass().getSimpleName());
      }
    }
    target.close();
    System.exit(0);
  }

  private static int i(String s) {
    return Integer.parseInt(s);
  }

  private static String result(Pusher.Result r) {
    return "start=" + r.startNanos() + " end=" + r.endNanos() + " sent=" + r.sent()
        + " maxLag=" + r.maxLagNanos();
  }

  /** Time the JIT compilers have spent so far, in milliseconds; -1 if the JVM does not say. */
  private static long jitMillis() {
    var jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
  }

  /** CPU time of the whole process (every thread, GC included), in nanoseconds. */
  private static long cpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  public static long maxFiles() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os) {
      return os.getMaxFileDescriptorCount();
    }
    return -1;
  }
}

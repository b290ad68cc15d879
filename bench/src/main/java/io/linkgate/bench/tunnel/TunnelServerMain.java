package io.linkgate.bench.tunnel;

import io.linkgate.server.WarmHeap;
import io.linkgate.bench.internal.BenchLogging;
import io.linkgate.bench.internal.LinkgateSends;
import io.linkgate.bench.internal.PushTarget;
import io.linkgate.bench.internal.ServerMain;
import io.linkgate.bench.internal.TransportNode;
import io.linkgate.transport.tunnel.HttpTunnelTransportProvider;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The server process of the HTTP tunnel benchmark, driven like the push benchmark's ({@link
 * ServerMain#serve}); its READY line adds {@code uplinkPort}.
 *
 * <p>Arguments ({@code key=value}): {@code mode} (linkgate|raw), {@code secret} (base64), {@code
 * maxUsers}, {@code threads} (most request threads per role), {@code selectors} (per role; by
 * default one per core, as the tunnel's), {@code idleTimeoutMs}, {@code inbox}, {@code
 * outboundBytes}, {@code sends} (Linkgate's {@link LinkgateSends}, by default store).
 */
public final class TunnelServerMain {
  /** A stream may not end by age during a run: the client would have to reconnect and resume. */
  private static final String MAX_AGE_MS = "3600000";

  private TunnelServerMain() {}

  public static void main(String[] argv) throws Exception {
    BenchLogging.quiet();
    WarmHeap.startIfZgc(); // the JVM setup a node has, for Linkgate and raw servers alike
    Map<String, String> args = ServerMain.parseArgs(argv, new HashMap<>());
    String mode = args.getOrDefault("mode", "raw");
    String host = args.getOrDefault("host", "127.0.0.1");
    int maxUsers = Integer.parseInt(args.getOrDefault("maxUsers", "20000"));
    String threads = args.getOrDefault("threads", "64");
    String idle = args.getOrDefault("idleTimeoutMs", "600000");
    // The tunnel's default (one per core, at most a quarter of the threads), given to both servers
    // alike: each runs its non-blocking handlers on its selector threads.
    String selectors =
        args.getOrDefault(
            "selectors",
            Integer.toString(
                Math.max(
                    1,
                    Math.min(
                        Runtime.getRuntime().availableProcessors(),
                        Integer.parseInt(threads) / 4))));
    String from = "bench-pusher";
    PushTarget target;
    int uplinkPort;
    switch (mode) {
      case "raw" -> {
        RawJettyServer raw =
            new RawJettyServer(
                host,
                maxUsers,
                Integer.parseInt(threads),
                Integer.parseInt(selectors),
                Long.parseLong(idle),
                from);
        target = raw;
        uplinkPort = raw.uplinkPort();
      }
      case "linkgate" -> {
        // The same idle timeout as the baseline's connectors; with it, a quiet stream is pinged
        // at most every idle/2, i.e. not during a run.
        TransportNode node =
            new TransportNode(
                new HttpTunnelTransportProvider(),
                host,
                Base64.getDecoder().decode(args.get("secret")),
                maxUsers,
                Integer.parseInt(args.getOrDefault("inbox", "1000")),
                Integer.parseInt(args.getOrDefault("outboundBytes", "4194304")),
                Map.of(
                    "threads",
                    threads,
                    "selectors",
                    selectors,
                    "idle-timeout-ms",
                    idle,
                    "max-age-ms",
                    MAX_AGE_MS),
                Map.of("threads", threads, "selectors", selectors, "idle-timeout-ms", idle),
                from,
                LinkgateSends.of(args.getOrDefault("sends", LinkgateSends.STORE.flag())));
        target = node;
        uplinkPort = node.uplinkPort();
      }
      default -> throw new IllegalArgumentException("mode must be linkgate or raw: " + mode);
    }
    ServerMain.serve(target, "uplinkPort=" + uplinkPort);
  }
}

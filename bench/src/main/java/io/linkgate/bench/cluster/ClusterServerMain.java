package io.linkgate.bench.cluster;

import io.linkgate.bench.internal.BenchLogging;
import io.linkgate.bench.internal.ServerMain;
import io.linkgate.server.LinkgateConfig;
import io.linkgate.server.LinkgateServer;
import java.util.HashMap;
import java.util.Map;

/**
 * A gateway process of the cluster benchmark: a node started by the assembly from YAML, exactly as
 * {@code linkgate serve --config} composes one (Guice, the store module the config picks, the TCP
 * transport found on the class path), then driven like the push benchmark's servers ({@link
 * ServerMain#serve}) with the pushing loop on this process's main thread.
 *
 * <p>Arguments ({@code key=value}): {@code mode} (a label for logs), {@code node} (node id), {@code
 * store} ({@code memory} or {@code redis}), {@code redis} (the URI), {@code secret} (the HS256
 * secret as text), {@code maxUsers}, {@code threads} (TCP downlink event loops), {@code inbox},
 * {@code outboundBytes}. Extra commands: {@code LOOKUP 0|1}, {@code CACHE}, {@code FAILS}, {@code
 * THREADS} (see {@link RouterTarget#command}).
 */
public final class ClusterServerMain {
  private ClusterServerMain() {}

  public static void main(String[] argv) throws Exception {
    BenchLogging.quiet();
    Map<String, String> args = ServerMain.parseArgs(argv, new HashMap<>());
    int maxUsers = Integer.parseInt(args.getOrDefault("maxUsers", "20000"));
    LinkgateConfig config = LinkgateConfig.parse(yaml(args));
    LinkgateServer server = LinkgateServer.start(config);
    RouterTarget target = new RouterTarget(server, maxUsers, "bench-pusher");
    ServerMain.serve(target, "", target::command);
  }

  /**
   * The node's configuration file. Limits as the other benchmarks set them (a handshake timeout
   * that survives thousands of connections arriving at once, an outbound bound no burst reaches, a
   * heartbeat no run outlasts); no uplink listener, since pushes come from this process's router;
   * the operations listener (metrics, health, admin) on a free port, since three nodes share the
   * machine.
   */
  static String yaml(Map<String, String> args) {
    String store =
        args.getOrDefault("store", "memory").equals("redis")
            ? "{type: redis, uri: \"" + args.get("redis") + "\"}"
            : "{type: memory}";
    return """
        node-id: %s
        bind-host: 127.0.0.1
        shutdown-grace: 1s
        auth:
          secret: "%s"
        limits:
          outbound-queue-bytes: %s
          handshake-timeout: 60s
        router:
          inbox-capacity: %s
        store: %s
        ops:
          port: 0
        transports:
          downlink: [{transport: tcp, ports: [0], options: {threads: "%s"}}]
          uplink: []
        """
        .formatted(
            args.getOrDefault("node", "bench"),
            args.get("secret"),
            args.getOrDefault("outboundBytes", "4194304"),
            args.getOrDefault("inbox", "1000"),
            store,
            args.getOrDefault("threads", "2"));
  }
}

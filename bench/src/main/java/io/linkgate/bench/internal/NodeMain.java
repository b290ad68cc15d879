package io.linkgate.bench.internal;

import io.linkgate.server.WarmHeap;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.server.LinkgateConfig;
import io.linkgate.server.LinkgateServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A gateway process of the connect and dispatch benchmarks: a node composed by the assembly from
 * YAML, as {@code linkgate serve --config} does, with no pushing loop of its own. It prints {@code
 * @@ READY port=.. port2=.. port3=.. pid=.. ops=.. dispatch=..} (TCP downlink ports in listener order; 0
 * when off) and runs until {@code QUIT} or the end of stdin (the driver's death).
 *
 * <p>Arguments ({@code key=value}): {@code node}, {@code secret} (text), {@code adminToken}, {@code
 * downlinkPorts} (how many TCP downlink ports), {@code store} ({@code memory} or {@code redis}),
 * {@code redis} (URI), {@code dispatch} ({@code true} for the dispatch listener on a free port).
 */
public final class NodeMain {
  private NodeMain() {}

  public static void main(String[] argv) throws Exception {
    BenchLogging.quiet();
    WarmHeap.startIfZgc(); // the JVM setup a node has, for Linkgate and raw servers alike
    Map<String, String> args = ServerMain.parseArgs(argv, new HashMap<>());
    try (LinkgateServer server = LinkgateServer.start(LinkgateConfig.parse(yaml(args)))) {
      StringBuilder ready = new StringBuilder("@@ READY");
      int n = 0;
      for (Endpoint e : server.endpoints()) {
        if (e.getRole() == Role.DOWNLINK && e.getTransport().equals("tcp")) {
          n++;
          ready.append(n == 1 ? " port=" : " port" + n + "=").append(e.getPort());
        }
      }
      ready.append(" uplink=")
          .append(
              server.endpoints().stream()
                  .filter(e -> e.getRole() == Role.UPLINK && e.getTransport().equals("tcp"))
                  .mapToInt(Endpoint::getPort)
                  .findFirst()
                  .orElse(0));
      ready.append(" pid=").append(ProcessHandle.current().pid());
      ready.append(" ops=").append(server.opsAddress().map(InetSocketAddress::getPort).orElse(0));
      ready.append(" dispatch=").append(server.dispatchAddress().map(InetSocketAddress::getPort).orElse(0));
      System.out.println(ready);
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.trim().equals("QUIT")) {
        System.out.println("@@ error=unknown"); // this process takes no other command
        System.out.flush();
      }
    }
    System.exit(0); // the store's and transports' non-daemon threads must not keep it alive
  }

  /**
   * The node's configuration file, for this process and the cluster benchmark's gateways. Limits as
   * the benchmarks set them: a handshake timeout that survives thousands of connections arriving at
   * once on 2 busy cores, an outbound bound no burst reaches; no uplink listener; free ports
   * everywhere (several nodes share the machine; with the operations listener's default 9100 the
   * second node would fail to start). The admin API is on when {@code adminToken} is given, the
   * dispatch listener when {@code dispatch=true}. Further arguments: {@code inbox}, {@code
   * outboundBytes}, {@code threads} (TCP downlink event loops), {@code handshakeTimeout} (default
   * 60s), {@code pendingPerAddress} (limits.pending-handshakes-per-address, default 0),
   * {@code uplink} ({@code true} for a TCP uplink listener on a free port, its port in the READY
   * line as {@code uplink=}).
   */
  public static String yaml(Map<String, String> args) {
    String store =
        args.getOrDefault("store", "memory").equals("redis")
            ? "{type: redis, uri: \"" + args.get("redis") + "\"}"
            : "{type: memory}";
    int ports = Integer.parseInt(args.getOrDefault("downlinkPorts", "1"));
    String portList = String.join(", ", java.util.Collections.nCopies(ports, "0"));
    String admin = args.containsKey("adminToken") ? "\n  admin-token: \"" + args.get("adminToken") + "\"" : "";
    return """
        node-id: %s
        bind-host: 127.0.0.1
        shutdown-grace: 1s
        auth:
          secret: "%s"
        limits:
          outbound-queue-bytes: %s
          handshake-timeout: %s
          sends-per-second: 0
          sessions-per-address: 0
          handshakes-per-second-per-address: 0
          pending-handshakes-per-address: %s
        router:
          inbox-capacity: %s
        store: %s
        ops:
          port: 0%s
        dispatch:
          enabled: %s
          port: 0
        transports:
          downlink: [{transport: tcp, ports: [%s], options: {threads: "%s"}}]
          uplink: [%s]
        """
        .formatted(
            args.getOrDefault("node", "bench"), args.get("secret"),
            args.getOrDefault("outboundBytes", "4194304"), args.getOrDefault("handshakeTimeout", "60s"),
            args.getOrDefault("pendingPerAddress", "0"), args.getOrDefault("inbox", "1000"), store, admin,
            args.getOrDefault("dispatch", "false"), portList, args.getOrDefault("threads", "2"),
            Boolean.parseBoolean(args.getOrDefault("uplink", "false")) ? "{transport: tcp, ports: [0]}" : "");
  }

  /** The arguments for {@link ServerProcess#start(String, String, List, Map, java.nio.file.Path)}. */
  public static Map<String, String> args(String node, String secret, String adminToken, int downlinkPorts) {
    Map<String, String> m = new HashMap<>();
    m.put("node", node);
    m.put("secret", secret);
    m.put("adminToken", adminToken);
    m.put("downlinkPorts", Integer.toString(downlinkPorts));
    return m;
  }
}

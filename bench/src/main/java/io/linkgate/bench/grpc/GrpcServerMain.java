package io.linkgate.bench.grpc;

import io.linkgate.server.WarmHeap;
import io.linkgate.bench.internal.BenchLogging;
import io.linkgate.bench.internal.LinkgateSends;
import io.linkgate.bench.internal.PushTarget;
import io.linkgate.bench.internal.ServerMain;
import io.linkgate.bench.internal.TransportNode;
import io.linkgate.transport.grpc.GrpcTransportProvider;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The server process of the gRPC benchmark, driven like the push benchmark's ({@link
 * ServerMain#serve}); its READY line adds {@code uplinkPort}.
 *
 * <p>Arguments ({@code key=value}): {@code mode} (linkgate|raw), {@code secret} (base64), {@code
 * maxUsers}, {@code threads} (downlink event loops), {@code uplinkThreads}, {@code inbox}, {@code
 * outboundBytes}, {@code sends} (Linkgate's {@link LinkgateSends}, by default store).
 */
public final class GrpcServerMain {
  private GrpcServerMain() {}

  public static void main(String[] argv) throws Exception {
    BenchLogging.quiet();
    WarmHeap.startIfZgc(); // the JVM setup a node has, for Linkgate and raw servers alike
    Map<String, String> args = ServerMain.parseArgs(argv, new HashMap<>());
    String mode = args.getOrDefault("mode", "raw");
    String host = args.getOrDefault("host", "127.0.0.1");
    int maxUsers = Integer.parseInt(args.getOrDefault("maxUsers", "20000"));
    String threads = args.getOrDefault("threads", "2");
    String uplinkThreads = args.getOrDefault("uplinkThreads", "1");
    String from = "bench-pusher";
    PushTarget target;
    int uplinkPort;
    switch (mode) {
      case "raw" -> {
        RawGrpcServer raw =
            new RawGrpcServer(
                host, maxUsers, Integer.parseInt(threads), Integer.parseInt(uplinkThreads), from);
        target = raw;
        uplinkPort = raw.uplinkPort();
      }
      case "linkgate" -> {
        TransportNode node =
            new TransportNode(
                new GrpcTransportProvider(),
                host,
                Base64.getDecoder().decode(args.get("secret")),
                maxUsers,
                Integer.parseInt(args.getOrDefault("inbox", "1000")),
                Integer.parseInt(args.getOrDefault("outboundBytes", "4194304")),
                Map.of("threads", threads),
                Map.of("threads", uplinkThreads),
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

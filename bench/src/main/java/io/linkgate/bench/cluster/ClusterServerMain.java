package io.linkgate.bench.cluster;

import io.linkgate.server.WarmHeap;
import io.linkgate.bench.internal.BenchLogging;
import io.linkgate.bench.internal.NodeMain;
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
 * {@code outboundBytes}; the configuration file is {@link NodeMain#yaml}'s. Extra commands: {@code
 * LOOKUP 0|1}, {@code CACHE}, {@code FAILS}, {@code THREADS} (see {@link RouterTarget#command}).
 */
public final class ClusterServerMain {
  private ClusterServerMain() {}

  public static void main(String[] argv) throws Exception {
    BenchLogging.quiet();
    WarmHeap.startIfZgc(); // the JVM setup a node has, for Linkgate and raw servers alike
    Map<String, String> args = ServerMain.parseArgs(argv, new HashMap<>());
    int maxUsers = Integer.parseInt(args.getOrDefault("maxUsers", "20000"));
    LinkgateConfig config = LinkgateConfig.parse(NodeMain.yaml(args));
    LinkgateServer server = LinkgateServer.start(config);
    RouterTarget target = new RouterTarget(server, maxUsers, "bench-pusher");
    ServerMain.serve(target, "", target::command);
  }
}

package io.linkgate.server;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.client.Endpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A gateway node in its own JVM, started from a YAML file by the CLI's {@code serve} exactly as an
 * operator would, on free loopback ports, with the Redis store. {@link #kill()} is {@code kill -9}.
 */
final class GatewayProcess implements AutoCloseable {
  private final String nodeId;
  private final int downlinkPort;
  private final int uplinkPort;
  private final Path log;
  private Process process;

  private GatewayProcess(String nodeId, int downlinkPort, int uplinkPort, Path log) {
    this.nodeId = nodeId;
    this.downlinkPort = downlinkPort;
    this.uplinkPort = uplinkPort;
    this.log = log;
  }

  static GatewayProcess start(String nodeId, String redisUri) throws IOException {
    return start(nodeId, redisUri, "");
  }

  /** @param extraYaml more top-level configuration (for example a {@code sends:} block) */
  static GatewayProcess start(String nodeId, String redisUri, String extraYaml) throws IOException {
    Path dir = Files.createTempDirectory("linkgate-" + nodeId);
    GatewayProcess g = new GatewayProcess(nodeId, LoopbackPorts.free(), LoopbackPorts.free(), dir.resolve("node.log"));
    Path config = dir.resolve("linkgate.yaml");
    Files.writeString(
        config,
        """
        node-id: %s
        bind-host: 127.0.0.1
        shutdown-grace: 2s
        ops: {port: 0}
        auth:
          secret: %s
        store:
          type: redis
          uri: %s
          node-ttl: 2s
        transports:
          downlink: [{transport: tcp, ports: [%d]}]
          uplink: [{transport: tcp, ports: [%d]}]
        %s
        """
            .formatted(nodeId, TestNodes.SECRET, redisUri, g.downlinkPort, g.uplinkPort, extraYaml));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    g.process =
        new ProcessBuilder(
                java, "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                "io.linkgate.server.cli.Linkgate", "serve", "--config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(g.log.toFile())
            .start();
    g.awaitListening();
    return g;
  }

  String nodeId() {
    return nodeId;
  }

  Endpoint downlink() {
    return Endpoints.of("tcp", Role.DOWNLINK, "127.0.0.1", downlinkPort);
  }

  Endpoint uplink() {
    return Endpoints.of("tcp", Role.UPLINK, "127.0.0.1", uplinkPort);
  }

  /** SIGKILL: no drain, no goodbye, its registry entries left behind. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  private void awaitListening() throws IOException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("gateway " + nodeId + " exited at start:\n" + Files.readString(log));
      }
      if (LoopbackPorts.accepts(downlinkPort) && LoopbackPorts.accepts(uplinkPort)) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    throw new IOException("gateway " + nodeId + " did not listen within 30 s:\n" + Files.readString(log));
  }



  /** The endpoints of {@code nodes} for {@code role}, starting with the {@code first}-th. */
  static List<Endpoint> rotated(List<GatewayProcess> nodes, int first, Role role) {
    return java.util.stream.IntStream.range(0, nodes.size())
        .mapToObj(i -> nodes.get((first + i) % nodes.size()))
        .map(n -> role == Role.DOWNLINK ? n.downlink() : n.uplink())
        .toList();
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}

package io.linkgate.example.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientTransports;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Send;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's path, as a process: unpack the node's distribution, drop the plugin jar into its
 * {@code plugins/} folder, name {@code websocket} in {@code transports:}, start {@code bin/linkgate
 * serve}, carry a message through it, SIGTERM, exit 0. The node's own {@code lib/} has no
 * websocket jar, so this also proves the plugin jar brings what it needs.
 */
class PluginJarIT {
  private static final long WAIT_SECONDS = 30;

  @TempDir Path tmp;

  @Test
  void aNodeWithThePluginJarInPluginsServesWebSocketClients() throws Exception {
    Path distribution = Path.of(System.getProperty("linkgate.distribution", "missing"));
    Path pluginJar = Path.of(System.getProperty("websocket.plugin.jar", "missing"));
    Assumptions.assumeTrue(
        Files.isRegularFile(distribution),
        "no node distribution at " + distribution + "; build it with mvn package of the reactor");
    assertThat(pluginJar).as("the plugin jar built by package").isRegularFile();

    Path home = unpack(distribution);
    Files.copy(pluginJar, home.resolve("plugins").resolve(pluginJar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    int downPort = freePort();
    int upPort = freePort();
    Path config = tmp.resolve("linkgate.yaml");
    Files.writeString(
        config,
        TestNode.config(
            "plugin-it",
            "downlink: [{transport: websocket, ports: [" + downPort + "]}]",
            "uplink: [{transport: websocket, ports: [" + upPort + "]}]"));

    Path log = tmp.resolve("serve.log");
    ProcessBuilder pb =
        new ProcessBuilder(home.resolve("bin/linkgate").toString(), "serve", "--config", config.toString())
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("JAVA_OPTS", "-Xmx256m");
    pb.environment().keySet().removeIf(k -> k.startsWith("LINKGATE_"));
    Process node = pb.start();
    try {
      awaitListening(node, List.of(downPort, upPort), log);
      assertThat(Files.readString(log)).contains("websocket downlink listening");

      messageGoesThrough(downPort, upPort);

      node.destroy(); // SIGTERM: the graceful drain
      assertThat(node.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
      assertThat(node.exitValue()).as(Files.readString(log)).isZero();
    } finally {
      node.destroyForcibly();
    }
  }

  private static void messageGoesThrough(int downPort, int upPort) throws Exception {
    Endpoint down = endpoint(Role.DOWNLINK, downPort);
    Endpoint up = endpoint(Role.UPLINK, upPort);
    BlockingQueue<Frame> atBob = new LinkedBlockingQueue<>();
    try (ClientTransport client =
        ClientTransports.load(null).get("websocket").create(ClientTransportOptions.defaults())) {
      ClientDownlink bob =
          client
              .openDownlink(
                  down,
                  TestNode.hello(TestNode.token("bob"), "bob-phone", Role.DOWNLINK).getHello(),
                  new ClientDownlink.Listener() {
                    @Override
                    public void onFrame(Frame frame) {
                      atBob.add(frame);
                    }

                    @Override
                    public void onClosed(Throwable cause) {}
                  })
              .toCompletableFuture()
              .get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(bob.welcome().getUserId()).isEqualTo("bob");
      ClientUplink alice =
          client
              .openUplink(up, TestNode.hello(TestNode.token("alice"), "alice-phone", Role.UPLINK).getHello())
              .toCompletableFuture()
              .get(WAIT_SECONDS, TimeUnit.SECONDS);
      Frame send =
          Frame.newBuilder()
              .setSend(
                  Send.newBuilder()
                      .setClientMsgId("m1")
                      .setTo("user:bob")
                      .setPayload(ByteString.copyFromUtf8("hello through a plugin")))
              .build();
      Frame answer = alice.call(send).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(answer.hasSendAck()).as("answer %s", answer).isTrue();

      Frame push = atBob.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(push).isNotNull();
      assertThat(push.getPush().getFrom()).isEqualTo("alice");
      assertThat(push.getPush().getPayload().toStringUtf8()).isEqualTo("hello through a plugin");
    }
  }

  private Path unpack(Path distribution) throws Exception {
    Path into = Files.createDirectories(tmp.resolve("node"));
    Process tar = new ProcessBuilder("tar", "xzf", distribution.toString(), "-C", into.toString()).inheritIO().start();
    assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).as("tar xzf").isZero();
    try (Stream<Path> dirs = Files.list(into)) {
      return dirs.filter(Files::isDirectory).findFirst().orElseThrow();
    }
  }

  private static Endpoint endpoint(Role role, int port) {
    return Endpoint.newBuilder()
        .setTransport("websocket")
        .setRole(role)
        .setHost("127.0.0.1")
        .setPort(port)
        .build();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void awaitListening(Process node, List<Integer> ports, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      if (!node.isAlive()) {
        throw new AssertionError("the node exited with " + node.exitValue() + ":\n" + Files.readString(log));
      }
      if (ports.stream().allMatch(PluginJarIT::accepts)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the node did not listen on " + ports + " in time:\n" + Files.readString(log));
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}

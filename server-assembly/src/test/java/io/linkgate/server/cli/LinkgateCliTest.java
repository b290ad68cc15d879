package io.linkgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.proto.Role;
import io.linkgate.router.Hs256Authenticator;
import io.linkgate.server.LinkgateConfig;
import io.linkgate.server.LinkgateServer;
import io.linkgate.server.TransportsConfig;
import io.linkgate.server.internal.AuthSecret;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class LinkgateCliTest {
  private static final String SECRET = "cli-test-secret-0123456789abcdef0123456789";

  /** One in-process run of the tool, with its output captured. */
  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Linkgate.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void demoRunsToCompletionAndExitsZero() {
    Run r = run("demo");

    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("alice sends to user:bob")
        .contains("bob received [seq 1] alice -> user:bob: Hi Bob")
        .contains("bob received [room] alice -> room:lobby")
        .contains("Demo complete: all 5 messages arrived.");
  }

  @Test
  void tokenOutputVerifiesWithTheGivenSecret() {
    Run r = run("token", "--user", "bob", "--secret", SECRET, "--ttl", "10m");

    assertThat(r.exitCode()).isZero();
    String token = r.out().trim();
    assertThat(new Hs256Authenticator(SECRET.getBytes(StandardCharsets.UTF_8)).verify(token).userId())
        .isEqualTo("bob");
  }

  @Test
  void tokenWithoutSecretUsesTheSameDevelopmentSecretAsServe() {
    Assumptions.assumeTrue(System.getenv("LINKGATE_AUTH_SECRET") == null);
    Run r = run("token", "--user", "alice");

    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).contains("development secret");
    byte[] dev = AuthSecret.DEVELOPMENT.getBytes(StandardCharsets.UTF_8);
    assertThat(new Hs256Authenticator(dev).verify(r.out().trim()).userId()).isEqualTo("alice");
  }

  @Test
  void badDurationIsAUsageErrorNamingTheSyntax() {
    Run r = run("token", "--user", "bob", "--ttl", "1 week");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("bad duration '1 week'");
  }

  @Test
  void serveWithAMissingConfigFileFailsWithOneLine() {
    Run r = run("serve", "--config", "no/such/file.yaml");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("linkgate serve: config file not found: no/such/file.yaml");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp", "http-tunnel", "grpc"})
  void sendIsPrintedByListenThroughARunningNode(String transport) throws Exception {
    LinkgateConfig config =
        LinkgateConfig.defaults()
            .withBindHost("127.0.0.1")
            .withAuthSecret(SECRET)
            .withOps(io.linkgate.server.OpsConfig.defaults().withPort(0))
            .withTransports(TransportsConfig.of(transport, 0, 0));
    try (LinkgateServer node = LinkgateServer.start(config)) {
      String port = String.valueOf(port(node, Role.DOWNLINK));
      String uplinkPort = String.valueOf(port(node, Role.UPLINK));
      String[] where = {
        "--transport", transport, "--server", "127.0.0.1", "--port", port, "--uplink-port", uplinkPort, "--secret", SECRET
      };

      CompletableFuture<Run> listen =
          CompletableFuture.supplyAsync(() -> run(concat(new String[] {"listen", "--user", "bob", "--count", "1"}, where)));
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> node.router().isOnline("bob").toCompletableFuture().get() || listen.isDone());

      Run send = run(concat(new String[] {"send", "--user", "alice", "--to", "user:bob", "-m", "hi bob"}, where));
      assertThat(send.exitCode()).as(send.err()).isZero();
      assertThat(send.out()).startsWith("sent to user:bob: msg_id=");

      Run listened = listen.get(10, TimeUnit.SECONDS);
      assertThat(listened.exitCode()).as(listened.err()).isZero();
      assertThat(listened.out().strip()).isEqualTo("[seq 1] alice -> user:bob: hi bob");
    }
  }

  @Test
  void withDispatchTheClientCommandsFindTheNodeWithoutBeingToldItsPorts() throws Exception {
    LinkgateConfig config =
        LinkgateConfig.defaults()
            .withBindHost("127.0.0.1")
            .withAuthSecret(SECRET)
            .withOps(io.linkgate.server.OpsConfig.defaults().withPort(0))
            .withDispatch(io.linkgate.server.DispatchConfig.defaults().enabledOn(0))
            .withTransports(TransportsConfig.tcp(0, 0));
    try (LinkgateServer node = LinkgateServer.start(config)) {
      // No --port: the static fallback (localhost:7100) is wrong on purpose; only dispatch knows.
      String[] where = {
        "--dispatch", "http://127.0.0.1:" + node.dispatchAddress().orElseThrow().getPort(), "--network", "wifi",
        "--server", "127.0.0.1", "--secret", SECRET
      };
      CompletableFuture<Run> listen =
          CompletableFuture.supplyAsync(() -> run(concat(new String[] {"listen", "--user", "bob", "--count", "1"}, where)));
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> node.router().isOnline("bob").toCompletableFuture().get() || listen.isDone());
      Run send = run(concat(new String[] {"send", "--user", "alice", "--to", "user:bob", "-m", "via dispatch"}, where));
      assertThat(send.exitCode()).as(send.err()).isZero();
      Run listened = listen.get(10, TimeUnit.SECONDS);
      assertThat(listened.out().strip()).isEqualTo("[seq 1] alice -> user:bob: via dispatch");
    }
  }

  @Test
  void sendWithABadTokenFailsWithTheServersReason() throws Exception {
    LinkgateConfig config =
        LinkgateConfig.defaults()
            .withBindHost("127.0.0.1")
            .withAuthSecret(SECRET)
            .withOps(io.linkgate.server.OpsConfig.defaults().withPort(0))
            .withTransports(TransportsConfig.tcp(0, 0));
    try (LinkgateServer node = LinkgateServer.start(config)) {
      Run r =
          run("send", "--token", "not-a-jwt", "--to", "user:bob", "-m", "x", "--server", "127.0.0.1",
              "--uplink-port", String.valueOf(port(node, Role.UPLINK)), "--timeout", "5s");

      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err()).startsWith("linkgate send: ").doesNotContain("Exception");
    }
  }

  @Test
  void theTunnelGoesThroughTheGivenProxy() throws Exception {
    LinkgateConfig config =
        LinkgateConfig.defaults()
            .withBindHost("127.0.0.1")
            .withAuthSecret(SECRET)
            .withOps(io.linkgate.server.OpsConfig.defaults().withPort(0))
            .withTransports(TransportsConfig.of("http-tunnel", 0, 0));
    try (LinkgateServer node = LinkgateServer.start(config);
        java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
      String uplinkPort = String.valueOf(port(node, Role.UPLINK));
      String[] send = {
        "send", "--user", "alice", "--to", "user:bob", "-m", "x", "--transport", "http-tunnel",
        "--server", "127.0.0.1", "--uplink-port", uplinkPort, "--secret", SECRET, "--timeout", "3s"
      };
      assertThat(run(send).exitCode()).as("direct, the node answers").isZero();

      // A proxy that accepts and never answers: the send can only fail if it really went there.
      Run viaDeadProxy = run(concat(send, new String[] {"--proxy", "127.0.0.1:" + closed.getLocalPort()}));
      assertThat(viaDeadProxy.exitCode()).isEqualTo(1);
      assertThat(viaDeadProxy.err()).startsWith("linkgate send: ");
    }
  }

  @Test
  void aProxyThatIsNotHostColonPortIsAUsageError() {
    Run r = run("send", "--user", "alice", "--to", "user:bob", "-m", "x", "--proxy", "squid.example");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("'squid.example' is not host:port");
  }

  private static int port(LinkgateServer node, Role role) {
    return node.endpoints().stream().filter(e -> e.getRole() == role).findFirst().orElseThrow().getPort();
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}

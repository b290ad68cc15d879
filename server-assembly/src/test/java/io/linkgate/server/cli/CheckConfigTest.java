package io.linkgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.server.ConfigException;
import io.linkgate.server.LinkgateConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code linkgate serve --check-config}: the start's checks, the effective configuration, no start. */
class CheckConfigTest {
  private static final String SECRET = "check-config-secret-0123456789abcdef0123";

  @TempDir Path dir;

  private record Run(int exitCode, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Linkgate.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    ((ServeCommand) cmd.getSubcommands().get("serve").getCommand()).env = env;
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path file(String yaml) throws IOException {
    return Files.writeString(dir.resolve("linkgate.yaml"), yaml);
  }

  @Test
  void printsTheEffectiveConfigurationWithDefaultsFilledInAndSecretsMasked() throws Exception {
    Path config =
        file(
            """
            node-id: checked
            auth: {secret: %s}
            store: {type: redis, uri: "redis://:store-pw@127.0.0.1:1"}
            transports:
              downlink: [{transport: tcp, ports: [7100]}]
              uplink: [{transport: http-tunnel, ports: [8081]}]
            """
                .formatted(SECRET));

    Run r = run(Map.of("LINKGATE_ROUTER_INBOX_CAPACITY", "50"), "serve", "--check-config", "--config", config.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("# Valid.", "LINKGATE_ROUTER_INBOX_CAPACITY", "auth.secret: set in the configuration file")
        .contains("node-id: checked")
        .contains("inbox-capacity: 50") // from the environment
        .contains("dedup-ttl: 10m", "max-frame-bytes: 65536", "key-prefix: \"lg:\"") // defaults
        .contains("secret: '*****'", "uri: redis://:*****@127.0.0.1:1")
        .doesNotContain(SECRET, "store-pw");
  }

  @Test
  void printedConfigurationIsOneTheNodeLoadsAsTheSame() throws Exception {
    Path config = file("node-id: same\nauth: {secret: " + SECRET + "}\nlimits: {heartbeat: {min: 2s}}\n");

    Run r = run(Map.of(), "serve", "--check-config", "-c", config.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    LinkgateConfig printed = LinkgateConfig.parse(r.out().replace("'*****'", SECRET));
    assertThat(printed).isEqualTo(LinkgateConfig.load(config));
  }

  @Test
  void badFileExitsNonZeroWithTheMessageAStartGives() throws Exception {
    Path config = file("node-id: a\nlimits:\n  max-frame-byte: 10\n");
    String startMessage;
    try {
      LinkgateConfig.load(config);
      throw new AssertionError("expected the file to be refused");
    } catch (ConfigException e) {
      startMessage = e.getMessage();
    }

    Run check = run(Map.of(), "serve", "--check-config", "--config", config.toString());
    Run serve = run(Map.of(), "serve", "--config", config.toString());

    assertThat(check.exitCode()).isEqualTo(1);
    assertThat(check.out()).isEmpty();
    assertThat(check.err().strip()).isEqualTo("linkgate serve: " + startMessage).contains("unknown key 'max-frame-byte'");
    assertThat(serve.exitCode()).isEqualTo(1);
    assertThat(serve.err()).isEqualTo(check.err());
  }

  @Test
  void badValueExitsNonZero() throws Exception {
    Path config = file("shutdown-grace: soon\n");

    Run r = run(Map.of(), "serve", "--check-config", "--config", config.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("bad value for 'shutdown-grace' (line 1)");
  }

  @Test
  void unknownLinkgateVariableExitsNonZeroNamingIt() {
    Run r = run(Map.of("LINKGATE_STORE_URL", "redis://h:1"), "serve", "--check-config");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("unknown environment variable LINKGATE_STORE_URL", "LINKGATE_STORE_URI");
  }

  /** Checks that need the class path, as a start makes them: the transport's name and options. */
  @Test
  void unknownTransportOrBadOptionExitsNonZeroAsAStartWould() throws Exception {
    Path unknown = file("transports:\n  downlink: [{transport: carrier-pigeon, ports: [7100]}]\n");
    Run r = run(Map.of(), "serve", "--check-config", "--config", unknown.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("unknown downlink transport 'carrier-pigeon'", "tcp");

    Path badOption = file("transports:\n  uplink: [{transport: tcp, ports: [7200], options: {threads: lots}}]\n");
    r = run(Map.of(), "serve", "--check-config", "--config", badOption.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("transports.uplink[0]", "threads");
  }

  @Test
  void shortSecretFromTheEnvironmentExitsNonZeroAsAStartWould() {
    Run r = run(Map.of("LINKGATE_AUTH_SECRET", "short"), "serve", "--check-config");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("LINKGATE_AUTH_SECRET", "at least").doesNotContain("short");
  }

  @Test
  void startsNothing() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Path config = file(
        "bind-host: 127.0.0.1\ntransports:\n  downlink: [{transport: tcp, ports: [%d]}]\n  uplink: []\n".formatted(port));

    Run r = run(Map.of(), "serve", "--check-config", "--config", config.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("auth.secret: the built-in development secret");
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", port)); // still free: nothing listened on it
    }
  }
}

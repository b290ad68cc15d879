package io.linkgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.server.LinkgateConfig;
import io.linkgate.server.LinkgateServer;
import io.linkgate.server.OpsConfig;
import io.linkgate.server.TransportsConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code linkgate admin ...} against a real node's ops listener. */
class AdminCommandTest {
  private static final String TOKEN = "admin-cli-test-token-0123456789";

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cmd = Linkgate.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void eachAdminCallHasASubcommandThatPrintsTheNodesAnswer() throws Exception {
    LinkgateConfig config =
        LinkgateConfig.defaults()
            .withNodeId("cli-admin-node")
            .withBindHost("127.0.0.1")
            .withAuthSecret("cli-admin-test-secret-0123456789abcdef")
            .withOps(OpsConfig.defaults().withPort(0).withAdminToken(TOKEN))
            .withTransports(TransportsConfig.tcp(0, 0));
    try (LinkgateServer node = LinkgateServer.start(config)) {
      String ops = "http://127.0.0.1:" + node.opsAddress().orElseThrow().getPort();
      Run info = run("admin", "--ops", ops, "--admin-token", TOKEN, "node");
      assertThat(info.exitCode()).as(info.err()).isZero();
      assertThat(info.out()).contains("\"id\" : \"cli-admin-node\"");

      Run users = run("admin", "--ops", ops, "--admin-token", TOKEN, "users", "bob");
      assertThat(users.out()).contains("\"online\" : false");

      Run push = run("admin", "--ops", ops, "--admin-token", TOKEN, "push", "bob", "-m", "hello from ops");
      assertThat(push.out()).contains("\"seq\" : 1");

      Run kick = run("admin", "--ops", ops, "--admin-token", TOKEN, "kick", "bob", "--device", "phone");
      assertThat(kick.out()).contains("\"kicked\" : 0");

      Run rooms = run("admin", "--ops", ops, "--admin-token", TOKEN, "rooms");
      assertThat(rooms.out()).contains("\"rooms\" : [ ]");

      Run refused = run("admin", "--ops", ops, "--admin-token", "wrong-token-0123456789", "node");
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.err()).contains("HTTP 401").contains("UNAUTHENTICATED");

      Run drain = run("admin", "--ops", ops, "--admin-token", TOKEN, "drain");
      assertThat(drain.out()).contains("\"draining\" : true");
      assertThat(node.isReady()).isFalse();
    }
  }

  @Test
  void anUnreachableNodeIsAOneLineError() {
    Run r = run("admin", "--ops", "http://127.0.0.1:1", "--admin-token", TOKEN, "node");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("could not reach the ops listener at http://127.0.0.1:1");
  }
}

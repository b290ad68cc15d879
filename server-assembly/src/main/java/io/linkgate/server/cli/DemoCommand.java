package io.linkgate.server.cli;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.SendAck;
import io.linkgate.api.proto.Welcome;
import io.linkgate.client.Endpoints;
import io.linkgate.router.Hs256Authenticator;
import io.linkgate.router.Message;
import io.linkgate.server.LinkgateConfig;
import io.linkgate.server.LinkgateServer;
import io.linkgate.server.OpsConfig;
import io.linkgate.server.TransportsConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A tour that needs nothing external: a node on free loopback ports, two SDK clients, a few
 * messages each way, a push from the backend and a room post, each step narrated. Exit code 0 only
 * if every message arrived.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Start an in-process node and two clients, alice and bob, that exchange messages.")
final class DemoCommand implements Callable<Integer> {
  static final Duration WAIT = Duration.ofSeconds(10);

  @Spec CommandSpec spec;

  @Option(names = "--verbose", description = "keep the node's and the clients' log lines")
  boolean verbose;

  private PrintWriter out;
  private int expected;
  private int arrived;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    QuietLogs quiet = verbose ? QuietLogs.none() : QuietLogs.atWarn();
    try {
      return run();
    } finally {
      quiet.close();
    }
  }

  private int run() throws Exception {
    byte[] secretBytes = new byte[32];
    new SecureRandom().nextBytes(secretBytes);
    String secret = HexFormat.of().formatHex(secretBytes);
    LinkgateConfig config =
        LinkgateConfig.defaults()
            .withNodeId("demo-node")
            .withBindHost("127.0.0.1")
            .withAuthSecret(secret)
            .withShutdownGrace(Duration.ofSeconds(3))
            .withTransports(TransportsConfig.tcp(0, 0))
            // An in-process demo serves no operator: no ops port to collide with a real node's.
            .withOps(new OpsConfig(false, null, null, null));

    step("Starting an in-process Linkgate node on free ports of 127.0.0.1");
    try (LinkgateServer node = LinkgateServer.start(config)) {
      Endpoint down = endpoint(node, Role.DOWNLINK);
      Endpoint up = endpoint(node, Role.UPLINK);
      say("node %s: downlink %s, uplink %s", node.nodeId(), Endpoints.describe(down), Endpoints.describe(up));

      step("Minting HS256 tokens for alice and bob with this node's secret");
      byte[] key = secret.getBytes(StandardCharsets.UTF_8);
      try (DemoDevice alice = DemoDevice.open("alice", "alice-laptop", Hs256Authenticator.mint(key, "alice", Duration.ofMinutes(10)), down, up);
          DemoDevice bob = DemoDevice.open("bob", "bob-phone", Hs256Authenticator.mint(key, "bob", Duration.ofMinutes(10)), down, up)) {

        step("Connecting both: a long-lived downlink for pushes; sends go over a separate uplink");
        welcome(alice);
        welcome(bob);
        alice.client().subscribe("lobby");
        bob.client().subscribe("lobby");
        say("alice and bob joined room 'lobby'");

        step("alice -> bob");
        direct(alice, bob, "Hi Bob, it's Alice. Are you there?");

        step("bob -> alice, twice: each user's pushes carry their own seq, in order");
        direct(bob, alice, "Hi Alice! Loud and clear.");
        direct(bob, alice, "This one comes second, with the next seq.");

        step("The backend pushes to bob through the node's embedded router (no client involved)");
        Push pushed =
            node.router()
                .push("bob", Message.of("backend", "user:bob", bytes("Your order has shipped.")))
                .toCompletableFuture()
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        say("router assigned seq %d", pushed.getSeq());
        expect(bob, "backend", "Your order has shipped.");

        step("alice posts in room 'lobby' (best-effort fan-out, no seq)");
        awaitAcks(node, alice, bob);
        send(alice, "room:lobby", "Welcome to the lobby, everyone!");
        expect(bob, "alice", "Welcome to the lobby, everyone!");
      }

      step("Closing: clients disconnect, the node drains and stops");
    }
    out.println();
    if (arrived == expected) {
      out.printf("Demo complete: all %d messages arrived.%n", expected);
      out.flush();
      return 0;
    }
    out.printf("Demo FAILED: %d of %d messages arrived.%n", arrived, expected);
    out.flush();
    return 1;
  }

  private void welcome(DemoDevice d) throws Exception {
    Welcome w = d.client().connect().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    say("%s connected as user '%s': session %s, heartbeat %d ms granted", d.name(), w.getUserId(),
        w.getSessionId(), w.getHeartbeatMs());
  }

  private void direct(DemoDevice from, DemoDevice to, String text) throws Exception {
    send(from, "user:" + to.name(), text);
    expect(to, from.name(), text);
  }

  private void send(DemoDevice from, String to, String text) throws Exception {
    say("%s sends to %s: \"%s\"", from.name(), to, text);
    SendAck ack = from.client().send(to, bytes(text)).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    say("node acknowledged: msg_id %s", ack.getMsgId());
  }

  private void expect(DemoDevice to, String from, String text) throws InterruptedException {
    expected++;
    Push p = to.await(from, text, WAIT);
    if (p == null) {
      say("!! %s did NOT receive \"%s\" within %ds", to.name(), text, WAIT.toSeconds());
      return;
    }
    arrived++;
    say("%s received %s", to.name(), PushFormat.push(p));
  }

  /**
   * A room post reaches only members the node already knows of. Both Subscribe frames went out on
   * the downlinks before the acks of later pushes, and a node handles one connection's frames in
   * order: once it has seen those acks, it has seen the subscriptions.
   */
  private void awaitAcks(LinkgateServer node, DemoDevice... devices) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    for (DemoDevice d : devices) {
      long seq = d.client().cursor().seq();
      while (!ackedAtLeast(node, d.name(), seq) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }
  }

  private static boolean ackedAtLeast(LinkgateServer node, String user, long seq) throws Exception {
    return node.router().sessionsOf(user).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS)
        .stream()
        .anyMatch(s -> s.ackedSeq() >= seq);
  }

  private static Endpoint endpoint(LinkgateServer node, Role role) {
    return node.endpoints().stream()
        .filter(e -> e.getRole() == role)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("the demo node has no " + role + " endpoint"));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private int stepNo;

  private void step(String what) {
    out.printf("%n%d. %s%n", ++stepNo, what);
    out.flush();
  }

  private void say(String format, Object... args) {
    out.printf("   " + format + "%n", args);
    out.flush();
  }
}

package io.linkgate.examples.business;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.SendAck;
import io.linkgate.client.Endpoints;
import io.linkgate.testing.RedisServerProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example end to end, as its README runs it: a real redis-server, two gateway processes started
 * by the CLI with {@code sends.handler: redis-stream}, the built {@code business-service.jar} in its
 * own JVM, and real clients, alice on one gateway and bob on the other.
 */
class BusinessServiceIT {
  private static final String SECRET = "business-service-example-secret-0123456789";
  private static final List<AutoCloseable> open = new ArrayList<>();
  private static RedisServerProcess redis;
  private static Path dir;
  private static JavaProcess service;
  private static ChatDevice alice;
  private static ChatDevice bob;

  @BeforeAll
  static void startClusterServiceAndDevices() throws Exception {
    dir = Files.createTempDirectory("business-service-it");
    redis = RedisServerProcess.start();
    open.add(redis);
    int[] a = gateway("gw-a");
    int[] b = gateway("gw-b");
    service = startService();
    alice = device("alice", a);
    bob = device("bob", b);
  }

  @AfterAll
  static void stopAll() {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        // the rest still closes
      }
    }
  }

  @Test
  void theBotAnswersTimeWithTheQuestionsMsgIdAndTheQuestionReachesTheSendersDevicesFirst() throws Exception {
    SendAck ack = alice.send("user:timebot", "/time");
    await().atMost(Duration.ofSeconds(10)).until(() -> replyTo(alice, ack.getMsgId()) != null);
    Push reply = replyTo(alice, ack.getMsgId());
    assertThat(reply.getFrom()).isEqualTo("timebot");
    assertThat(reply.getPayload().toStringUtf8()).startsWith("Server time: ");
    List<Push> question = alice.withMsgId(ack.getMsgId());
    assertThat(question).hasSize(1);
    assertThat(question.get(0).getFrom()).isEqualTo("alice");
    assertThat(question.get(0).getSeq()).as("the question before the answer").isLessThan(reply.getSeq());
  }

  @Test
  void aSendToAUserOnAnotherGatewayIsDeliveredOnceWithTheAckedMsgIdAndCopiedToTheSender() throws Exception {
    SendAck ack = alice.send("user:bob", "hello bob");
    await().atMost(Duration.ofSeconds(10)).until(() -> bob.withMsgId(ack.getMsgId()).size() == 1);
    Push got = bob.withMsgId(ack.getMsgId()).get(0);
    assertThat(got.getFrom()).isEqualTo("alice");
    assertThat(got.getPayload().toStringUtf8()).isEqualTo("hello bob");
    assertThat(got.getServerTimeMs()).isEqualTo(ack.getServerTimeMs());
    await().atMost(Duration.ofSeconds(5)).until(() -> alice.withMsgId(ack.getMsgId()).size() == 1);
    Thread.sleep(300);
    assertThat(bob.withMsgId(ack.getMsgId())).as("still once").hasSize(1);
  }

  @Test
  void aSendToARoomReachesItsMembersOnOtherGateways() throws Exception {
    bob.subscribe("lobby");
    // A Subscribe is fire-and-forget: send until one arrives, then check each arrived at most once.
    List<String> sent = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
      sent.add(alice.send("room:lobby", "to the lobby").getMsgId());
      return sent.stream().anyMatch(id -> !bob.withMsgId(id).isEmpty());
    });
    assertThat(sent).allMatch(id -> bob.withMsgId(id).size() <= 1);
    Push got = bob.received.stream().filter(p -> sent.contains(p.getMsgId())).findFirst().orElseThrow();
    assertThat(got.getTo()).isEqualTo("room:lobby");
    assertThat(got.getFrom()).isEqualTo("alice");
  }

  @Test
  void sendsMadeWhileTheServiceIsDeadAreDeliveredOnceAndInOrderWhenItIsBack() throws Exception {
    service.kill();
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      ids.add(alice.send("user:bob", "while away #" + i).getMsgId());
    }
    Thread.sleep(500);
    assertThat(ids).as("stored by the gateway, delivered by nobody yet").allMatch(id -> bob.withMsgId(id).isEmpty());

    service = startService(); // same consumer name, as a restarted instance has
    await().atMost(Duration.ofSeconds(15)).until(() -> ids.stream().allMatch(id -> bob.withMsgId(id).size() == 1));
    List<String> inOrder = bob.received.stream().map(Push::getMsgId).filter(ids::contains).toList();
    assertThat(inOrder).containsExactlyElementsOf(ids);
    assertThat(bob.texts()).containsSubsequence(IntStream.rangeClosed(1, 20).mapToObj(i -> "while away #" + i).toList());
  }

  @Test
  void theServiceStopsCleanlyOnSigtermAndAnotherInstanceTakesOver() throws Exception {
    assertThat(service.stop()).isZero();
    assertThat(service.output()).contains(BusinessService.STOPPED);
    service = startService();
    SendAck ack = alice.send("user:timebot", "/help");
    await().atMost(Duration.ofSeconds(10)).until(() -> replyTo(alice, ack.getMsgId()) != null);
    assertThat(replyTo(alice, ack.getMsgId()).getPayload().toStringUtf8()).isEqualTo(TimeBot.HELP);
  }

  private static Push replyTo(ChatDevice d, String msgId) {
    return d.received.stream()
        .filter(p -> msgId.equals(p.getHeadersMap().get(UplinkHandler.IN_REPLY_TO)))
        .findFirst()
        .orElse(null);
  }

  /** Starts a gateway process; returns its downlink and uplink ports. */
  private static int[] gateway(String node) throws Exception {
    int down = freePort();
    int up = freePort();
    Path config = dir.resolve(node + ".yaml");
    Files.writeString(
        config,
        """
        node-id: %s
        bind-host: 127.0.0.1
        ops: {enabled: false}
        auth: {secret: %s}
        store: {type: redis, uri: "%s", node-ttl: 2s}
        sends: {handler: redis-stream}
        transports:
          downlink: [{transport: tcp, ports: [%d]}]
          uplink: [{transport: tcp, ports: [%d]}]
        """
            .formatted(node, SECRET, redis.uri(), down, up));
    JavaProcess p =
        JavaProcess.start(node, dir, "-cp", System.getProperty("java.class.path"),
            "io.linkgate.server.cli.Linkgate", "serve", "--config", config.toString());
    open.add(p);
    p.awaitOutput("listening");
    return new int[] {down, up};
  }

  private static JavaProcess startService() throws Exception {
    JavaProcess p =
        JavaProcess.start("business-service", dir, "-jar", Path.of("target", "business-service.jar").toString(),
            "--redis", redis.uri(), "--consumer", "svc-1");
    open.add(p);
    return p.awaitOutput(BusinessService.READY);
  }

  private static ChatDevice device(String user, int[] ports) throws Exception {
    Endpoint down = Endpoints.of("tcp", Role.DOWNLINK, "127.0.0.1", ports[0]);
    Endpoint up = Endpoints.of("tcp", Role.UPLINK, "127.0.0.1", ports[1]);
    ChatDevice d = new ChatDevice(user, SECRET, down, up);
    open.add(d);
    return d;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

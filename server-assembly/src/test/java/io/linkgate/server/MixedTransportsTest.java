package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.client.Cursor;
import io.linkgate.client.LinkgateClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One node serving every shipped transport on both roles: a device may pair any downlink
 * transport with any uplink transport, and may switch transports between connections without
 * losing or doubling a message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MixedTransportsTest {
  private static final List<String> TRANSPORTS = List.of("tcp", "http-tunnel", "grpc");
  private static final Duration WAIT = Duration.ofSeconds(10);

  private LinkgateServer node;

  @BeforeAll
  void startNode() throws Exception {
    node =
        LinkgateServer.start(
            LinkgateConfig.parse(
                """
                node-id: mixed-node
                bind-host: 127.0.0.1
                shutdown-grace: 2s
                ops: {port: 0}
                auth:
                  secret: %s
                transports:
                  downlink:
                    - {transport: tcp, ports: [0]}
                    - {transport: http-tunnel, ports: [0]}
                    - {transport: grpc, ports: [0]}
                  uplink:
                    - {transport: tcp, ports: [0]}
                    - {transport: http-tunnel, ports: [0]}
                    - {transport: grpc, ports: [0]}
                """
                    .formatted(TestNodes.SECRET)));
  }

  @AfterAll
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  static Stream<Arguments> everyDownlinkWithEveryUplink() {
    List<Arguments> pairs = new ArrayList<>();
    for (String down : TRANSPORTS) {
      for (String up : TRANSPORTS) {
        pairs.add(Arguments.of(down, up));
      }
    }
    return pairs.stream();
  }

  @Test
  void theNodeAdvertisesEveryTransportOnBothRoles() {
    for (Role role : List.of(Role.DOWNLINK, Role.UPLINK)) {
      assertThat(node.endpoints())
          .filteredOn(e -> e.getRole() == role)
          .extracting(Endpoint::getTransport)
          .containsExactlyInAnyOrderElementsOf(TRANSPORTS);
    }
  }

  @ParameterizedTest(name = "downlink {0}, uplink {1}")
  @MethodSource("everyDownlinkWithEveryUplink")
  void aMessageSentOnOneTransportIsPushedOnAnother(String downlink, String uplink) throws Exception {
    String sender = "s-" + downlink + "-" + uplink;
    String receiver = "r-" + downlink + "-" + uplink;
    BlockingQueue<Push> atReceiver = new LinkedBlockingQueue<>();
    try (LinkgateClient r = client(receiver, downlink, uplink, atReceiver, null);
        LinkgateClient s = client(sender, downlink, uplink, new LinkedBlockingQueue<>(), null)) {
      r.connect().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

      s.send("user:" + receiver, utf8("via " + uplink)).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

      Push push = atReceiver.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(push).as("push over the %s downlink", downlink).isNotNull();
      assertThat(push.getFrom()).isEqualTo(sender);
      assertThat(push.getPayload().toStringUtf8()).isEqualTo("via " + uplink);
      assertThat(push.getSeq()).isEqualTo(1);
    }
  }

  @Test
  void aDeviceThatSwitchesTransportsGetsEveryMessageOnceInOrder() throws Exception {
    String user = "switcher";
    List<Push> received = new ArrayList<>();
    Cursor cursor = null;
    int sent = 0;
    try (LinkgateClient sender = client("switch-sender", "tcp", "tcp", new LinkedBlockingQueue<>(), null)) {
      for (String transport : List.of("grpc", "http-tunnel", "tcp", "grpc")) {
        BlockingQueue<Push> pushes = new LinkedBlockingQueue<>();
        try (LinkgateClient device = client(user, transport, transport, pushes, cursor)) {
          device.connect().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
          // Three messages while connected here ...
          for (int i = 0; i < 3; i++) {
            sender.send("user:" + user, utf8("m" + ++sent)).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
          }
          int expected = sent;
          while (received.size() < expected) {
            Push p = pushes.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(p).as("push %d over %s", received.size() + 1, transport).isNotNull();
            received.add(p);
          }
          // The cursor moves once the listener has returned, on the client's thread.
          await().atMost(WAIT).until(() -> device.cursor().seq() == expected);
          cursor = device.cursor();
        }
        // ... and two while the device is offline, to be replayed over the next transport.
        for (int i = 0; i < 2; i++) {
          sender.send("user:" + user, utf8("m" + ++sent)).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
      }
      BlockingQueue<Push> last = new LinkedBlockingQueue<>();
      try (LinkgateClient device = client(user, "http-tunnel", "grpc", last, cursor)) {
        device.connect().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        while (received.size() < sent) {
          Push p = last.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
          assertThat(p).as("replayed push %d", received.size() + 1).isNotNull();
          received.add(p);
        }
        assertThat(last.poll(300, TimeUnit.MILLISECONDS)).as("nothing beyond what was sent").isNull();
      }
    }
    assertThat(received).extracting(Push::getSeq).containsExactlyElementsOf(seqs(sent));
    assertThat(received).extracting(p -> p.getPayload().toStringUtf8()).containsExactlyElementsOf(payloads(sent));
  }

  private LinkgateClient client(
      String user, String downlink, String uplink, BlockingQueue<Push> pushes, Cursor resumeFrom) {
    LinkgateClient.Builder b =
        LinkgateClient.builder()
            .downlinkEndpoints(List.of(endpoint(downlink, Role.DOWNLINK)))
            .uplinkEndpoints(List.of(endpoint(uplink, Role.UPLINK)))
            .token(TestNodes.token(user))
            .deviceId(user + "-device")
            .pushListener(pushes::offer);
    if (resumeFrom != null) {
      b.resumeFrom(resumeFrom);
    }
    return b.build();
  }

  private Endpoint endpoint(String transport, Role role) {
    return node.endpoints().stream()
        .filter(e -> e.getRole() == role && e.getTransport().equals(transport))
        .findFirst()
        .orElseThrow();
  }

  private static List<Long> seqs(int n) {
    List<Long> out = new ArrayList<>();
    for (long i = 1; i <= n; i++) {
      out.add(i);
    }
    return out;
  }

  private static List<String> payloads(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add("m" + i);
    }
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

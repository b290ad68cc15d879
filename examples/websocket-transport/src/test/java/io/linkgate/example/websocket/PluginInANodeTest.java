package io.linkgate.example.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.client.LinkgateClient;
import io.linkgate.server.LinkgateServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The plugin in a real node: named in {@code transports:} beside TCP, found on the class path, and
 * carrying the SDK's traffic end to end, alone or paired with the other transport.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PluginInANodeTest {
  private static final long WAIT_SECONDS = 10;

  private LinkgateServer node;

  @BeforeAll
  void startNode() throws Exception {
    node = TestNode.start();
  }

  @AfterAll
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void theNodeAdvertisesTheWebSocketListenersBesideTcp() {
    for (Role role : List.of(Role.DOWNLINK, Role.UPLINK)) {
      assertThat(node.endpoints())
          .filteredOn(e -> e.getRole() == role)
          .extracting(Endpoint::getTransport)
          .containsExactlyInAnyOrder("tcp", "websocket");
    }
  }

  @ParameterizedTest(name = "downlink {0}, uplink {1}")
  @CsvSource({"websocket, websocket", "websocket, tcp", "tcp, websocket"})
  void aMessageSentThroughTheNodeReachesItsRecipient(String downlink, String uplink)
      throws Exception {
    String receiver = "bob-" + downlink + "-" + uplink;
    String sender = "alice-" + downlink + "-" + uplink;
    BlockingQueue<Push> pushes = new LinkedBlockingQueue<>();
    try (LinkgateClient bob = client(receiver, downlink, uplink, pushes);
        LinkgateClient alice = client(sender, downlink, uplink, new LinkedBlockingQueue<>())) {
      bob.connect().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);

      alice
          .send("user:" + receiver, ("hello over " + uplink).getBytes(StandardCharsets.UTF_8))
          .toCompletableFuture()
          .get(WAIT_SECONDS, TimeUnit.SECONDS);

      Push push = pushes.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(push).as("push over the %s downlink", downlink).isNotNull();
      assertThat(push.getFrom()).isEqualTo(sender);
      assertThat(push.getSeq()).isEqualTo(1);
      assertThat(push.getPayload().toStringUtf8()).isEqualTo("hello over " + uplink);
    }
  }

  private LinkgateClient client(
      String user, String downlink, String uplink, BlockingQueue<Push> pushes) {
    return LinkgateClient.builder()
        .downlinkEndpoints(List.of(TestNode.endpoint(node, downlink, Role.DOWNLINK)))
        .uplinkEndpoints(List.of(TestNode.endpoint(node, uplink, Role.UPLINK)))
        .token(TestNode.token(user))
        .deviceId(user + "-device")
        .pushListener(pushes::offer)
        .build();
  }
}

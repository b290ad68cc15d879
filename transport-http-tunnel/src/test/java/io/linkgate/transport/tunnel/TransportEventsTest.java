package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportEvents;
import io.linkgate.tck.RecordingTransportEvents;
import java.io.BufferedInputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the tunnel tells the node's metrics, seen through a recording TransportEvents. */
class TransportEventsTest {
  /** The router as the transports see it, answering events(name) with {@code events}. */
  private static SessionHandler reporting(SessionHandler router, TransportEvents events) {
    return new ForwardingSessionHandler(router) {
      @Override
      public TransportEvents events(String transport) {
        return events;
      }
    };
  }

  private final RecordingTransportEvents events = new RecordingTransportEvents();

  private TestNode.Builder node() {
    return TestNode.builder()
        .limits(TestNode.limits(Duration.ofSeconds(2), 100))
        .core(router -> reporting(router, events));
  }

  @ParameterizedTest
  @ValueSource(strings = {"stream", "poll"})
  void routerPushesAreTimedAsWrittenAndTheQueueGaugeEmpties(String mode) throws Exception {
    try (TestNode node = node().start();
        ClientTransport client = node.client(Map.of("mode", mode))) {
      Recorder r = new Recorder();
      TestNode.join(
          client.openDownlink(node.endpoint(Role.DOWNLINK), node.hello("alice", "phone"), r));
      node.push("alice", "one");
      node.push("alice", "two");
      node.push("alice", "three");
      for (int i = 0; i < 3; i++) {
        r.nextPush();
      }
      await().untilAsserted(() -> assertThat(events.seen()).containsExactly("push", "push", "push"));
      await().until(() -> events.queuedBytes() == 0);
    }
  }

  @Test
  void aStreamWhoseClientStopsPingingIsAHeartbeatTimeout() throws Exception {
    try (TestNode node = node().start();
        Socket s = new Socket("127.0.0.1", node.port(Role.DOWNLINK))) {
      s.setSoTimeout(5_000);
      HttpWire.request(
          s.getOutputStream(),
          "GET",
          "/v1/tunnel/downlink?device_id=d&heartbeat_ms=100",
          Map.of("Authorization", "Bearer " + node.token("bob")),
          null);
      HttpWire.readHead(new BufferedInputStream(s.getInputStream()));
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(events.seen()).contains("heartbeat timeout"));
    }
  }

  @Test
  void aBadFrameInAnUplinkBodyIsABadFrameError() throws Exception {
    try (TestNode node = node().start();
        Socket s = new Socket("127.0.0.1", node.port(Role.UPLINK))) {
      node.writeUplinkPost(s, new byte[] {0x03, 0x0A, 0x7F, 0x00});
      HttpWire.readHead(new BufferedInputStream(s.getInputStream()));
      await().untilAsserted(() -> assertThat(events.seen()).containsExactly("error BAD_FRAME"));
    }
  }
}

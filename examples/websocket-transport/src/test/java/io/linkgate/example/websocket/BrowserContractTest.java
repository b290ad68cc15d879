package io.linkgate.example.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import io.linkgate.server.LinkgateServer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the README promises a browser client (and the web-chat example relies on), checked on the
 * wire of a real node: paths, origins, the token in the Hello, the subprotocol, binary messages
 * only, and fragmented messages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserContractTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private LinkgateServer node;
  private Endpoint downlink;
  private Endpoint uplink;

  @BeforeAll
  void startNode() throws Exception {
    node = TestNode.start();
    downlink = TestNode.endpoint(node, "websocket", Role.DOWNLINK);
    uplink = TestNode.endpoint(node, "websocket", Role.UPLINK);
  }

  @AfterAll
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void aPageOfTheAllowedOriginConnectsWithTheTokenInItsHello() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(downlink, Map.of("Origin", TestNode.ALLOWED_ORIGIN))) {
      ws.send(TestNode.hello(TestNode.token("carol"), "carol-browser", Role.DOWNLINK));
      Frame welcome = ws.receive(WAIT);
      assertThat(welcome.hasWelcome()).as("got %s", welcome).isTrue();
      assertThat(welcome.getWelcome().getUserId()).isEqualTo("carol");
    }
  }

  @Test
  void aPageOfAnotherOriginIsRefusedWith403() {
    assertThatThrownBy(() -> RawWebSocket.connect(downlink, Map.of("Origin", "https://evil.example")))
        .isInstanceOfSatisfying(
            RawWebSocket.UpgradeRefused.class, e -> assertThat(e.status).isEqualTo(403));
  }

  @Test
  void anUnknownPathIsA404() {
    Endpoint wrongRole = downlink.toBuilder().setRole(Role.UPLINK).build(); // /v1/ws/uplink
    assertThatThrownBy(() -> RawWebSocket.connect(wrongRole))
        .isInstanceOfSatisfying(
            RawWebSocket.UpgradeRefused.class, e -> assertThat(e.status).isEqualTo(404));
  }

  @Test
  void theLinkgateSubprotocolIsSelectedWhenOffered() throws Exception {
    try (RawWebSocket ws =
        RawWebSocket.connect(uplink, Map.of("Sec-WebSocket-Protocol", "other, linkgate.v1"))) {
      assertThat(ws.responseHead().toLowerCase()).contains("sec-websocket-protocol: linkgate.v1");
    }
  }

  @Test
  void aBearerHeaderStandsInForAnEmptyHelloToken() throws Exception {
    try (RawWebSocket ws =
        RawWebSocket.connect(uplink, Map.of("Authorization", "Bearer " + TestNode.token("dave")))) {
      ws.send(TestNode.hello("", "dave-cli", Role.UPLINK));
      Frame welcome = ws.receive(WAIT);
      assertThat(welcome.hasWelcome()).as("got %s", welcome).isTrue();
      assertThat(welcome.getWelcome().getUserId()).isEqualTo("dave");
    }
  }

  @Test
  void aTextMessageIsRefusedWithBadFrameAndClose1007() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(uplink)) {
      ws.sendText("{\"hello\": {}}");
      Frame error = ws.receive(WAIT);
      assertThat(error.getError().getCode()).as("got %s", error).isEqualTo(ErrorCode.BAD_FRAME);
      assertThat(ws.receive(WAIT)).isNull();
      assertThat(ws.closeCode()).isEqualTo(1007);
    }
  }

  @Test
  void aHelloSentInFragmentsIsPutTogether() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(downlink)) {
      byte[] hello = TestNode.hello(TestNode.token("erin"), "erin-phone", Role.DOWNLINK).toByteArray();
      ws.sendFragmented(hello, 7);
      Frame welcome = ws.receive(WAIT);
      assertThat(welcome.hasWelcome()).as("got %s", welcome).isTrue();
    }
  }

  /** Each frame is small, so only the sum can be refused; memory stays at the limit. */
  @Test
  void aMessageWhoseFragmentsTogetherPassTheLimitGetsFrameTooLargeAndClose1009() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(uplink)) {
      byte[] big = new byte[65_536 + 1];
      Arrays.fill(big, (byte) 1);
      ws.sendFragmented(big, 4_096);
      Frame error = ws.receive(WAIT);
      assertThat(error.getError().getCode()).as("got %s", error).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
      assertThat(ws.receive(WAIT)).isNull();
      assertThat(ws.closeCode()).isEqualTo(1009);
    }
  }
}

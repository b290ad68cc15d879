package io.linkgate.server;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.client.LinkgateClient;
import io.linkgate.router.Hs256Authenticator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;

/** Nodes on loopback with free ports, and clients for them. */
final class TestNodes {
  static final String SECRET = "server-assembly-test-secret-0123456789abcdef";

  private TestNodes() {}

  static LinkgateConfig loopback() {
    return loopback("tcp");
  }

  /** A node serving both roles on {@code transport} alone. */
  static LinkgateConfig loopback(String transport) {
    return LinkgateConfig.parse(
        """
        node-id: test-node
        bind-host: 127.0.0.1
        shutdown-grace: 5s
        ops: {port: 0}
        auth:
          secret: %s
        transports:
          downlink: [{transport: %s, ports: [0]}]
          uplink: [{transport: %s, ports: [0]}]
        """
            .formatted(SECRET, transport, transport));
  }

  static Endpoint endpoint(LinkgateServer node, Role role) {
    return node.endpoints().stream().filter(e -> e.getRole() == role).findFirst().orElseThrow();
  }

  static String token(String user) {
    return Hs256Authenticator.mint(SECRET.getBytes(StandardCharsets.UTF_8), user, Duration.ofMinutes(5));
  }

  static LinkgateClient client(LinkgateServer node, String user, BlockingQueue<Push> pushes) {
    return LinkgateClient.builder()
        .downlinkEndpoints(List.of(endpoint(node, Role.DOWNLINK)))
        .uplinkEndpoints(List.of(endpoint(node, Role.UPLINK)))
        .token(token(user))
        .deviceId(user + "-device")
        .pushListener(pushes::offer)
        .build();
  }
}

package io.linkgate.examples.webchat;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.server.LinkgateConfig;
import io.linkgate.server.LinkgateServer;
import io.linkgate.server.ListenerConfig;
import io.linkgate.server.OpsConfig;
import io.linkgate.server.TransportsConfig;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The Linkgate node the chat talks to, in this process: the in-memory router and the HTTP tunnel
 * only (a browser can speak nothing else), with CORS open to the page's origins.
 */
final class ChatNode {
  private ChatNode() {}

  /**
   * Starts a node on {@link #config}.
   *
   * @throws IOException if a port cannot be bound
   */
  static LinkgateServer start(
      String bindHost, int downlinkPort, int uplinkPort, String secret, List<String> corsOrigins)
      throws IOException {
    return LinkgateServer.start(config(bindHost, downlinkPort, uplinkPort, secret, corsOrigins));
  }

  /**
   * The node's configuration.
   *
   * @param bindHost the address the tunnel listens on
   * @param downlinkPort the tunnel's downlink port (0: a free one)
   * @param uplinkPort the tunnel's uplink port (0: a free one)
   * @param secret the HS256 secret tokens are verified with (at least 32 bytes)
   * @param corsOrigins the origins whose pages may call the tunnel, e.g. {@code
   *     http://localhost:8000}; without its page's origin a browser keeps every answer from the
   *     page
   */
  static LinkgateConfig config(
      String bindHost, int downlinkPort, int uplinkPort, String secret, List<String> corsOrigins) {
    Map<String, String> options = Map.of("cors-origins", String.join(",", corsOrigins));
    TransportsConfig tunnel =
        new TransportsConfig(
            List.of(new ListenerConfig("http-tunnel", List.of(downlinkPort), null, options)),
            List.of(new ListenerConfig("http-tunnel", List.of(uplinkPort), null, options)));
    return LinkgateConfig.defaults()
        .withNodeId("web-chat-node")
        .withBindHost(bindHost)
        .withAuthSecret(secret)
        .withTransports(tunnel)
        // The admin API and metrics are not part of this example; no port taken for them.
        .withOps(new OpsConfig(false, null, null, null));
  }

  /** The port {@code node} bound for the tunnel's {@code role}. */
  static int port(LinkgateServer node, Role role) {
    return node.endpoints().stream()
        .filter(e -> e.getRole() == role)
        .mapToInt(Endpoint::getPort)
        .findFirst()
        .orElseThrow();
  }
}

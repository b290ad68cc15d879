package io.linkgate.examples.webchat;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.server.LinkgateConfig;
import io.linkgate.server.LinkgateServer;
import io.linkgate.server.ListenerConfig;
import io.linkgate.server.OpsConfig;
import io.linkgate.server.TransportsConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Linkgate node the chat talks to, in this process: the in-memory router, the HTTP tunnel
 * with CORS open to the page's origins, and (when given ports) the WebSocket transport of {@code
 * examples/websocket-transport}, with its {@code allowed-origins} set to the same origins.
 */
final class ChatNode {
  static final String TUNNEL = "http-tunnel";
  static final String WEBSOCKET = "websocket";

  private ChatNode() {}

  /** Where the node listens: the tunnel's two ports, and the WebSocket's (or none). */
  record Ports(int tunnelDownlink, int tunnelUplink, Integer wsDownlink, Integer wsUplink) {
    /** The tunnel only. */
    static Ports tunnelOnly(int downlink, int uplink) {
      return new Ports(downlink, uplink, null, null);
    }

    /** The tunnel and the WebSocket transport; 0 picks a free port. */
    static Ports withWebSocket(int downlink, int uplink, int wsDownlink, int wsUplink) {
      return new Ports(downlink, uplink, wsDownlink, wsUplink);
    }
  }

  /**
   * Starts a node on {@link #config}.
   *
   * @throws IOException if a port cannot be bound
   */
  static LinkgateServer start(String bindHost, Ports ports, String secret, List<String> origins)
      throws IOException {
    return LinkgateServer.start(config(bindHost, ports, secret, origins));
  }

  /**
   * The node's configuration.
   *
   * @param bindHost the address the transports listen on
   * @param ports the listeners' ports (0: a free one)
   * @param secret the HS256 secret tokens are verified with (at least 32 bytes)
   * @param origins the origins whose pages may connect, e.g. {@code http://localhost:8000}: the
   *     tunnel's {@code cors-origins} (without its page's origin a browser keeps every answer from
   *     the page) and the WebSocket's {@code allowed-origins} (an upgrade from another origin is
   *     refused)
   */
  static LinkgateConfig config(String bindHost, Ports ports, String secret, List<String> origins) {
    String list = String.join(",", origins);
    Map<String, String> cors = Map.of("cors-origins", list);
    List<ListenerConfig> downlinks = new ArrayList<>();
    List<ListenerConfig> uplinks = new ArrayList<>();
    downlinks.add(new ListenerConfig(TUNNEL, List.of(ports.tunnelDownlink()), null, cors));
    uplinks.add(new ListenerConfig(TUNNEL, List.of(ports.tunnelUplink()), null, cors));
    if (ports.wsDownlink() != null) {
      Map<String, String> ws = Map.of("allowed-origins", list);
      downlinks.add(new ListenerConfig(WEBSOCKET, List.of(ports.wsDownlink()), null, ws));
      uplinks.add(new ListenerConfig(WEBSOCKET, List.of(ports.wsUplink()), null, ws));
    }
    return LinkgateConfig.defaults()
        .withNodeId("web-chat-node")
        .withBindHost(bindHost)
        .withAuthSecret(secret)
        .withTransports(new TransportsConfig(downlinks, uplinks))
        // The admin API and metrics are not part of this example; no port taken for them.
        .withOps(new OpsConfig(false, null, null, null));
  }

  /** The port {@code node} bound for {@code transport}'s {@code role}, or 0 if it runs none. */
  static int port(LinkgateServer node, String transport, Role role) {
    return node.endpoints().stream()
        .filter(e -> e.getRole() == role && e.getTransport().equals(transport))
        .mapToInt(Endpoint::getPort)
        .findFirst()
        .orElse(0);
  }
}

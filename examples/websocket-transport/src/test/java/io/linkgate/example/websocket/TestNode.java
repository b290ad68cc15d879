package io.linkgate.example.websocket;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.router.Hs256Authenticator;
import io.linkgate.server.LinkgateConfig;
import io.linkgate.server.LinkgateServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A real Linkgate node, as the assembly builds it from a configuration file, on loopback with free
 * ports: the plugin is found on the class path by {@code ServiceLoader} and named in {@code
 * transports:} like any shipped transport.
 */
final class TestNode {
  static final String SECRET = "websocket-example-test-secret-0123456789abcdef";
  static final String ALLOWED_ORIGIN = "https://chat.example.com";

  private TestNode() {}

  /** TCP and WebSocket on both roles; browsers only from {@link #ALLOWED_ORIGIN}. */
  static LinkgateServer start() throws IOException {
    return start("");
  }

  /** The same, with {@code more} (top-level YAML, such as {@code limits:}) in the configuration. */
  static LinkgateServer start(String more) throws IOException {
    String websocket =
        "{transport: websocket, ports: [0], options: {allowed-origins: \"" + ALLOWED_ORIGIN + "\"}}";
    return LinkgateServer.start(
        LinkgateConfig.parse(
            config(
                "ws-node",
                "downlink: [{transport: tcp, ports: [0]}, " + websocket + "]",
                "uplink: [{transport: tcp, ports: [0]}, " + websocket + "]")
                + more));
  }

  /** A node's configuration on loopback, with this class's secret and {@code transports:}. */
  static String config(String nodeId, String downlinks, String uplinks) {
    return """
        node-id: %s
        bind-host: 127.0.0.1
        shutdown-grace: 2s
        ops: {enabled: false}
        auth:
          secret: %s
        transports:
          %s
          %s
        """
        .formatted(nodeId, SECRET, downlinks, uplinks);
  }

  static Endpoint endpoint(LinkgateServer node, String transport, Role role) {
    return node.endpoints().stream()
        .filter(e -> e.getRole() == role && e.getTransport().equals(transport))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + transport + " " + role + " endpoint"));
  }

  static String token(String user) {
    return Hs256Authenticator.mint(
        SECRET.getBytes(StandardCharsets.UTF_8), user, Duration.ofMinutes(5));
  }

  static Frame hello(String token, String device, Role role) {
    return Frame.newBuilder()
        .setHello(Hello.newBuilder().setToken(token).setDeviceId(device).setRole(role))
        .build();
  }
}

package io.linkgate.server.cli;

import io.linkgate.api.proto.Role;
import io.linkgate.server.TransportsConfig;

/** The ports a node on defaults listens on, so client commands need no --port against one. */
final class DefaultPorts {
  private DefaultPorts() {}

  static int of(String transport, Role role) {
    boolean down = role == Role.DOWNLINK;
    return switch (transport) {
      case "http-tunnel" -> down ? TransportsConfig.DEFAULT_TUNNEL_DOWNLINK_PORT : TransportsConfig.DEFAULT_TUNNEL_UPLINK_PORT;
      case "grpc" -> down ? TransportsConfig.DEFAULT_GRPC_DOWNLINK_PORT : TransportsConfig.DEFAULT_GRPC_UPLINK_PORT;
      default -> down ? TransportsConfig.DEFAULT_DOWNLINK_PORT : TransportsConfig.DEFAULT_UPLINK_PORT;
    };
  }
}

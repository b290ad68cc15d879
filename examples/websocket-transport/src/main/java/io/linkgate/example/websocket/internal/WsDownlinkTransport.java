package io.linkgate.example.websocket.internal;

import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportSettings;
import java.time.Duration;

/** Downlinks at {@code /v1/ws/downlink}: one long-lived WebSocket per device, kept by heartbeats. */
final class WsDownlinkTransport extends WsServer implements DownlinkTransport {
  WsDownlinkTransport(TransportSettings settings, SessionHandler core) {
    super(settings, core, Role.DOWNLINK);
  }

  @Override
  ServerConnection newConnection(ServerContext cx, String remote, String bearer) {
    return new DownlinkConnection(cx, remote, bearer);
  }

  @Override
  Duration backstopIdleTimeout() {
    return settings.limits().heartbeatTimeout(settings.limits().maxHeartbeatMs());
  }
}

package io.linkgate.example.websocket.internal;

import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportSettings;
import io.linkgate.api.transport.UplinkTransport;
import java.time.Duration;

/** Uplinks at {@code /v1/ws/uplink}: short WebSockets, every frame answered in order. */
final class WsUplinkTransport extends WsServer implements UplinkTransport {
  WsUplinkTransport(TransportSettings settings, SessionHandler core) {
    super(settings, core, Role.UPLINK);
  }

  @Override
  ServerConnection newConnection(ServerContext cx, String remote, String bearer) {
    return new UplinkConnection(cx, remote, bearer);
  }

  @Override
  Duration backstopIdleTimeout() {
    return settings.limits().uplinkIdleTimeout();
  }
}

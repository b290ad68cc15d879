package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportSettings;
import io.linkgate.api.transport.UplinkTransport;

/** Uplinks over HTTP: each {@code POST /v1/tunnel/uplink} is answered frame for frame. */
public final class HttpTunnelUplinkTransport extends TunnelServer implements UplinkTransport {
  public HttpTunnelUplinkTransport(TransportSettings settings, SessionHandler core) {
    super(checkRole(settings, Role.UPLINK), core);
  }
}

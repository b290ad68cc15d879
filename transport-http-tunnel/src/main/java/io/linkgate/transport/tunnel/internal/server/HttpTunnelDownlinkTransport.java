package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportSettings;

/**
 * Downlinks over HTTP: {@code GET /v1/tunnel/downlink} streams (or long-polls) the session, {@code
 * POST} carries the client's frames for it, {@code DELETE} ends it.
 */
public final class HttpTunnelDownlinkTransport extends TunnelServer implements DownlinkTransport {
  public HttpTunnelDownlinkTransport(TransportSettings settings, SessionHandler core) {
    super(checkRole(settings, Role.DOWNLINK), core);
  }
}

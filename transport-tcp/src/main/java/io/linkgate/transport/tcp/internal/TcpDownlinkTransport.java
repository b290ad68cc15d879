package io.linkgate.transport.tcp.internal;

import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportSettings;
import io.netty.channel.ChannelHandler;

/** Downlinks over TCP: long-lived connections kept alive by heartbeats. */
public final class TcpDownlinkTransport extends TcpServerTransport implements DownlinkTransport {
  private final SessionHandler core;

  public TcpDownlinkTransport(TransportSettings settings, SessionHandler core) {
    super(checkRole(settings), Runtime.getRuntime().availableProcessors());
    this.core = core;
  }

  @Override
  protected ChannelHandler newConnectionHandler() {
    return new DownlinkHandler(core, settings.limits(), closeGraceMillis, maxInFlight);
  }

  private static TransportSettings checkRole(TransportSettings settings) {
    if (settings.role() != Role.DOWNLINK) {
      throw new IllegalArgumentException(
          "downlink transport given settings for " + settings.role());
    }
    return settings;
  }
}

package io.linkgate.transport.tcp.internal;

import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportSettings;
import io.linkgate.api.transport.UplinkTransport;
import io.netty.channel.ChannelHandler;

/** Uplinks over TCP: short connections answering pipelined frames in order, closed when idle. */
public final class TcpUplinkTransport extends TcpServerTransport implements UplinkTransport {
  private final SessionHandler core;

  public TcpUplinkTransport(TransportSettings settings, SessionHandler core) {
    super(checkRole(settings), core, Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    this.core = core;
  }

  @Override
  protected ChannelHandler newConnectionHandler() {
    return new UplinkHandler(core, events, settings.limits(), closeGraceMillis, maxInFlight);
  }

  private static TransportSettings checkRole(TransportSettings settings) {
    if (settings.role() != Role.UPLINK) {
      throw new IllegalArgumentException("uplink transport given settings for " + settings.role());
    }
    return settings;
  }
}

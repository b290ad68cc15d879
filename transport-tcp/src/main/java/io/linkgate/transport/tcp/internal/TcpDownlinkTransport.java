package io.linkgate.transport.tcp.internal;

import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportSettings;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;

/** Downlinks over TCP: long-lived connections kept alive by heartbeats. */
public final class TcpDownlinkTransport extends TcpServerTransport implements DownlinkTransport {
  private final SessionHandler core;

  public TcpDownlinkTransport(TransportSettings settings, SessionHandler core) {
    super(checkRole(settings), core, Runtime.getRuntime().availableProcessors());
    this.core = core;
  }

  @Override
  protected ChannelHandler newConnectionHandler() {
    return new DownlinkHandler(core, events, settings.limits(), closeGraceMillis, maxInFlight);
  }

  /**
   * No: every write of a downlink, the answer to a {@code Ping} included, goes through its {@link
   * NettyDownlinkChannel}, whose drain runs as an event-loop task after the read and flushes once
   * for everything queued. A flush consolidation handler would only cost each idle connection a
   * handler and its context.
   */
  @Override
  protected boolean flushesWhileReading() {
    return false;
  }

  @Override
  public void start() throws java.io.IOException {
    super.start();
    events.outboundQueue(this::bufferedBytes);
  }

  /** Bytes queued in every connection, not yet handed to the socket: read at scrape time. */
  private long bufferedBytes() {
    long total = 0;
    for (Channel ch : connections()) {
      DownlinkHandler h = ch.pipeline().get(DownlinkHandler.class);
      if (h != null) {
        total += h.bufferedBytes();
      }
    }
    return total;
  }

  /**
   * Writability follows the outbound bound (a quarter and a half of it) instead of Netty's fixed
   * 32/64 KiB, so {@link NettyDownlinkChannel#whenWritable} lets a paced replay go on while it is
   * well under the bound. One shared mark object for every connection.
   */
  @Override
  protected void configureChildren(ServerBootstrap bootstrap) {
    int bound = settings.limits().outboundQueueBytes();
    bootstrap.childOption(
        ChannelOption.WRITE_BUFFER_WATER_MARK,
        new WriteBufferWaterMark(Math.max(1, bound / 4), Math.max(2, bound / 2)));
  }

  private static TransportSettings checkRole(TransportSettings settings) {
    if (settings.role() != Role.DOWNLINK) {
      throw new IllegalArgumentException(
          "downlink transport given settings for " + settings.role());
    }
    return settings;
  }
}

package io.linkgate.transport.tunnel.internal.server;

import com.google.inject.AbstractModule;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.TransportBindings;
import io.linkgate.api.transport.UplinkTransport;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;

/** Bindings only: the HTTP tunnel's factories for both roles, under the name "http-tunnel". */
public final class TunnelModule extends AbstractModule {
  @Override
  protected void configure() {
    DownlinkTransport.Factory downlinks = HttpTunnelDownlinkTransport::new;
    UplinkTransport.Factory uplinks = HttpTunnelUplinkTransport::new;
    TransportBindings.downlink(binder(), TunnelProtocol.NAME).toInstance(downlinks);
    TransportBindings.uplink(binder(), TunnelProtocol.NAME).toInstance(uplinks);
  }
}

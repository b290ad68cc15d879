package io.linkgate.transport.tcp.internal;

import com.google.inject.AbstractModule;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.TransportBindings;
import io.linkgate.api.transport.UplinkTransport;

/** Bindings only: the TCP factories for both roles, under the name "tcp". */
public final class TcpModule extends AbstractModule {
  public static final String NAME = "tcp";

  @Override
  protected void configure() {
    DownlinkTransport.Factory downlinks = TcpDownlinkTransport::new;
    UplinkTransport.Factory uplinks = TcpUplinkTransport::new;
    TransportBindings.downlink(binder(), NAME).toInstance(downlinks);
    TransportBindings.uplink(binder(), NAME).toInstance(uplinks);
  }
}

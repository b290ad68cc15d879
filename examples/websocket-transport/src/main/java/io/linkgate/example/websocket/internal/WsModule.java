package io.linkgate.example.websocket.internal;

import com.google.inject.AbstractModule;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.TransportBindings;
import io.linkgate.api.transport.UplinkTransport;

/** Bindings only: the WebSocket factories for both roles, under the name "websocket". */
public final class WsModule extends AbstractModule {
  @Override
  protected void configure() {
    DownlinkTransport.Factory downlinks = WsDownlinkTransport::new;
    UplinkTransport.Factory uplinks = WsUplinkTransport::new;
    TransportBindings.downlink(binder(), WsProtocol.NAME).toInstance(downlinks);
    TransportBindings.uplink(binder(), WsProtocol.NAME).toInstance(uplinks);
  }
}

package io.linkgate.transport.grpc.internal;

import com.google.inject.AbstractModule;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.TransportBindings;
import io.linkgate.api.transport.UplinkTransport;

/** Bindings only: the gRPC factories for both roles, under the name "grpc". */
public final class GrpcModule extends AbstractModule {
  public static final String NAME = "grpc";

  @Override
  protected void configure() {
    DownlinkTransport.Factory downlinks = GrpcDownlinkTransport::new;
    UplinkTransport.Factory uplinks = GrpcUplinkTransport::new;
    TransportBindings.downlink(binder(), NAME).toInstance(downlinks);
    TransportBindings.uplink(binder(), NAME).toInstance(uplinks);
  }
}

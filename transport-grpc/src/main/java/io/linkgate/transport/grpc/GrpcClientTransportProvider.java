package io.linkgate.transport.grpc;

import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientTransportProvider;
import io.linkgate.transport.grpc.internal.GrpcClientTransport;

/**
 * The client side of the gRPC transport, named {@code grpc}: one channel per endpoint.
 *
 * <p>Options ({@code ClientTransportOptions.options}): {@code threads} (default 1), {@code epoll}
 * ({@code false} forces NIO), {@code trustCertificates} (a PEM file of certificates to trust
 * instead of the JDK's defaults). An HTTP proxy in the options is not used: gRPC goes direct.
 *
 * <p>Listener callbacks and the completion of open and call stages run on the transport's event
 * loop: never block there.
 */
public final class GrpcClientTransportProvider implements ClientTransportProvider {
  public GrpcClientTransportProvider() {}

  @Override
  public String name() {
    return "grpc";
  }

  @Override
  public boolean isAvailable() {
    try {
      Class.forName(
          "io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder",
          false,
          GrpcClientTransportProvider.class.getClassLoader());
      return true;
    } catch (Throwable t) {
      return false;
    }
  }

  @Override
  public ClientTransport create(ClientTransportOptions options) {
    return new GrpcClientTransport(options);
  }
}

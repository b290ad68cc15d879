package io.linkgate.transport.grpc;

import com.google.inject.Module;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.transport.grpc.internal.GrpcModule;

/**
 * The server side of the gRPC transport, named {@code grpc}: the {@code linkgate.v1.Gateway}
 * service on grpc-java over Netty (native epoll where available). Downlinks are bidirectional
 * {@code Downlink} calls; uplinks are unary {@code Uplink} calls, authenticated one by one from
 * their {@code authorization: Bearer <token>} and {@code x-linkgate-device-id} metadata (a call
 * without {@code authorization} carries a {@code Hello} and is answered with the uplink's {@code
 * Welcome}). Errors end a call with a gRPC status and the {@code Error} in the trailer {@code
 * x-linkgate-error-bin}.
 *
 * <p>Options ({@code TransportSettings.options}): {@code threads} (event-loop threads of the role;
 * default: the number of cores for downlinks, half of it for uplinks), {@code epoll} ({@code false}
 * forces NIO), {@code maxInFlight} (client frames of one downlink waiting on the core before its
 * reading pauses, default 256), {@code maxCallsPerConnection} (concurrent calls on one HTTP/2
 * connection, default 1000), {@code maxConnectionAgeMs} (connections are asked to go away after
 * this long, with jitter; default never).
 */
public final class GrpcTransportProvider implements TransportProvider {
  public GrpcTransportProvider() {}

  @Override
  public String name() {
    return GrpcModule.NAME;
  }

  /** True where grpc-java's shaded Netty transport loads. */
  @Override
  public boolean isAvailable() {
    try {
      Class.forName(
          "io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder",
          false,
          GrpcTransportProvider.class.getClassLoader());
      return true;
    } catch (Throwable t) {
      return false;
    }
  }

  @Override
  public Module module() {
    return new GrpcModule();
  }
}

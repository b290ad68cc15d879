package io.linkgate.transport.grpc.internal;

import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.linkgate.api.EncodedFrame;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportSettings;
import java.time.Duration;

/** Downlinks over gRPC: one long {@code Downlink} call per device, kept alive by heartbeats. */
public final class GrpcDownlinkTransport extends GrpcServerTransport implements DownlinkTransport {
  private final SessionHandler core;

  public GrpcDownlinkTransport(TransportSettings settings, SessionHandler core) {
    super(checkRole(settings, Role.DOWNLINK), Runtime.getRuntime().availableProcessors());
    this.core = core;
  }

  @Override
  protected ServerServiceDefinition service(EventLoopGroup group) {
    ServerCallHandler<Inbound, EncodedFrame> handler =
        (call, headers) -> {
          if (!isAccepting()) {
            GatewayException refusal = notAccepting(Role.DOWNLINK);
            call.close(GrpcErrors.status(refusal), GrpcErrors.trailers(refusal));
            return new ServerCall.Listener<>() {};
          }
          DownlinkCall c =
              new DownlinkCall(
                  call, EventLoops.current(group), core, settings.limits(), maxInFlight);
          c.start();
          return c;
        };
    return serviceBuilder().addMethod(Methods.DOWNLINK, handler).build();
  }

  /** A downlink connection exists to carry its call: without one it goes like a silent socket. */
  @Override
  protected Duration maxConnectionIdle() {
    return settings.limits().handshakeTimeout();
  }

  static TransportSettings checkRole(TransportSettings settings, Role role) {
    if (settings.role() != role) {
      throw new IllegalArgumentException(
          "grpc " + roleName(role) + " transport given settings for " + settings.role());
    }
    return settings;
  }
}

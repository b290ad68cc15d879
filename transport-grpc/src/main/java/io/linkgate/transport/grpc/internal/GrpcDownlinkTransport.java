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
import io.linkgate.api.transport.TransportEvents;
import io.linkgate.api.transport.TransportSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Downlinks over gRPC: one long {@code Downlink} call per device, kept alive by heartbeats. */
public final class GrpcDownlinkTransport extends GrpcServerTransport implements DownlinkTransport {
  private final SessionHandler core;
  private final TransportEvents events;

  /** The open calls' channels, for the outbound queue gauge. */
  private final Set<CallDownlinkChannel> open = ConcurrentHashMap.newKeySet();

  public GrpcDownlinkTransport(TransportSettings settings, SessionHandler core) {
    super(checkRole(settings, Role.DOWNLINK), Runtime.getRuntime().availableProcessors());
    this.core = core;
    this.events = core.events(name());
  }

  @Override
  public void start() throws IOException {
    super.start();
    events.outboundQueue(this::queuedBytes);
  }

  /** Bytes queued in every call, not yet handed to gRPC: read at scrape time. */
  private long queuedBytes() {
    long total = 0;
    for (CallDownlinkChannel c : open) {
      total += c.queuedBytes();
    }
    return total;
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
                  call,
                  EventLoops.current(group),
                  core,
                  settings.limits(),
                  maxInFlight,
                  events,
                  open);
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

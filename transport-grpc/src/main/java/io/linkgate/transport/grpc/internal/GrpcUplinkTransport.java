package io.linkgate.transport.grpc.internal;

import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.util.concurrent.EventExecutor;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportSettings;
import io.linkgate.api.transport.UplinkTransport;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Uplinks over gRPC: unary {@code Uplink} calls, each authenticated on its own; a connection
 * without calls for the uplink idle timeout is closed.
 */
public final class GrpcUplinkTransport extends GrpcServerTransport implements UplinkTransport {
  private final SessionHandler core;
  /** Each uplink loop's call deadlines, made on first use; a handful of loops. */
  private final Map<EventExecutor, CallDeadlines> deadlines = new ConcurrentHashMap<>();

  public GrpcUplinkTransport(TransportSettings settings, SessionHandler core) {
    super(
        GrpcDownlinkTransport.checkRole(settings, Role.UPLINK),
        Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    this.core = core;
  }

  @Override
  protected ServerServiceDefinition service(EventLoopGroup group) {
    ServerCallHandler<Inbound, Frame> handler =
        (call, headers) -> {
          EventExecutor loop = EventLoops.current(group);
          UplinkCall c =
              new UplinkCall(
                  call,
                  headers,
                  loop,
                  deadlines.computeIfAbsent(loop, this::newDeadlines),
                  core,
                  settings.limits(),
                  this::isAccepting);
          c.start();
          return c;
        };
    return serviceBuilder().addMethod(Methods.UPLINK, handler).build();
  }

  private CallDeadlines newDeadlines(EventExecutor loop) {
    return new CallDeadlines(loop, settings.limits().handshakeTimeout().toNanos());
  }

  @Override
  protected Duration maxConnectionIdle() {
    return settings.limits().uplinkIdleTimeout();
  }
}

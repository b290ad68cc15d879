package io.linkgate.transport.grpc.internal;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.Limits;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.Transport;
import io.linkgate.api.transport.TransportSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Transports and plain gRPC channels for the tests, all on 127.0.0.1, closed by {@link #close}. */
final class Servers implements AutoCloseable {
  private final List<Transport> transports = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  /** Tight timers, a 64 KiB frame limit and outbound bound, long heartbeats and idle times. */
  static Limits limits() {
    return new Limits(
        64 * 1024,
        64 * 1024,
        Duration.ofSeconds(1),
        200,
        60_000,
        30_000,
        2.5,
        Duration.ofSeconds(60));
  }

  static TransportSettings settings(Role role, Limits limits) {
    return TransportSettings.of("test-node", role, "127.0.0.1", List.of(0))
        .withLimits(limits)
        .withOptions(Map.of("threads", "1"));
  }

  GrpcDownlinkTransport downlink(SessionHandler core, Limits limits) throws IOException {
    return start(new GrpcDownlinkTransport(settings(Role.DOWNLINK, limits), core));
  }

  GrpcUplinkTransport uplink(SessionHandler core, Limits limits) throws IOException {
    return start(new GrpcUplinkTransport(settings(Role.UPLINK, limits), core));
  }

  <T extends Transport> T start(T transport) throws IOException {
    transports.add(transport);
    transport.start();
    return transport;
  }

  /** A plain channel to {@code endpoint}; callbacks on gRPC's threads. */
  ManagedChannel channel(Endpoint endpoint) {
    return channel(NettyChannelBuilder.forAddress(endpoint.getHost(), endpoint.getPort()));
  }

  ManagedChannel channel(NettyChannelBuilder builder) {
    ManagedChannel channel =
        builder.usePlaintext().directExecutor().proxyDetector(target -> null).build();
    channels.add(channel);
    return channel;
  }

  @Override
  public void close() throws Exception {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (Transport t : transports) {
      t.stopAccepting();
      t.shutdown().toCompletableFuture().get(15, TimeUnit.SECONDS);
    }
  }
}

package io.linkgate.bench.internal;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.protobuf.UnsafeByteOperations;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.Limits;
import io.linkgate.api.transport.Transport;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.api.transport.TransportSettings;
import io.linkgate.api.transport.UplinkTransport;
import io.linkgate.router.Hs256Authenticator;
import io.linkgate.router.Message;
import io.linkgate.router.Router;
import io.linkgate.server.LimitsConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Linkgate node on any transport, both roles: a {@link Router} behind the provider's downlink and
 * uplink transports, built the way the assembly builds them (the provider's Guice module, the
 * factories from {@code TransportBindings}), with limits sized for the benchmark rather than for
 * hostile clients. The TCP push benchmark keeps its own {@link LinkgateNode}.
 */
public final class TransportNode implements PushTarget {
  /**
   * A system property of the server's JVM: when true, the router also runs the node's default
   * per-address limits and a per-user send rate limiter, as the assembly does, so that what they
   * cost a request is measured. The send rate is set far above what the benchmark sends (the
   * node's default of 200 a second per user would refuse most of its sends): the limiter does its
   * work on every send and refuses none.
   */
  public static final String NODE_LIMITS_PROPERTY = "linkgate.bench.node-limits";

  /** The send rate with {@link #NODE_LIMITS_PROPERTY}: never reached by a benchmark. */
  static final double UNREACHED_SENDS_PER_SECOND = 1e9;

  /** With {@link #NODE_LIMITS_PROPERTY} set, {@code builder} with the node's limits; else as it is. */
  static Router.Builder withNodeLimitsIfAsked(Router.Builder builder) {
    if (Boolean.getBoolean(NODE_LIMITS_PROPERTY)) {
      builder
          .addressLimits(
              LimitsConfig.DEFAULT_SESSIONS_PER_ADDRESS,
              LimitsConfig.DEFAULT_HANDSHAKES_PER_SECOND_PER_ADDRESS)
          .sendRate(UNREACHED_SENDS_PER_SECOND, (int) UNREACHED_SENDS_PER_SECOND);
    }
    return builder;
  }

  private final Router router;
  private final DownlinkTransport downlinks;
  private final UplinkTransport uplinks;
  private final String[] userIds;
  private final String[] tos;
  private final String from;

  /**
   * @param downlinkOptions the downlink transport's options
   * @param uplinkOptions the uplink transport's options
   * @param sends what the router does with an uplink {@code Send}
   */
  public TransportNode(
      TransportProvider provider, String host, byte[] secret, int maxUsers, int inboxCapacity,
      int outboundQueueBytes, Map<String, String> downlinkOptions, Map<String, String> uplinkOptions,
      String from, LinkgateSends sends)
      throws IOException {
    Router.Builder builder =
        Router.builder()
            .nodeId("bench")
            .authenticator(new Hs256Authenticator(secret))
            .inboxCapacity(inboxCapacity);
    if (sends == LinkgateSends.ACK_ONLY) {
      builder.businessHandler(new AckOnlyHandler("bench"));
    }
    this.router = LinkgateNode.withMetricsIfAsked(withNodeLimitsIfAsked(builder)).build();
    Injector injector = Guice.createInjector(provider.module());
    Map<String, DownlinkTransport.Factory> downFactories =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, DownlinkTransport.Factory>>() {}));
    Map<String, UplinkTransport.Factory> upFactories =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, UplinkTransport.Factory>>() {}));
    Limits d = Limits.defaults();
    // As LinkgateNode: a long heartbeat so idle connections need no pings, a handshake timeout that
    // survives thousands of connections arriving at once, an outbound bound no burst reaches.
    Limits limits =
        new Limits(
            d.maxFrameBytes(), outboundQueueBytes, Duration.ofSeconds(60), d.minHeartbeatMs(),
            600_000, 300_000, d.heartbeatMissFactor(), d.uplinkIdleTimeout());
    this.downlinks =
        downFactories
            .get(provider.name())
            .create(
                TransportSettings.of("bench", Role.DOWNLINK, host, List.of(0))
                    .withLimits(limits)
                    .withOptions(downlinkOptions),
                router);
    this.uplinks =
        upFactories
            .get(provider.name())
            .create(
                TransportSettings.of("bench", Role.UPLINK, host, List.of(0))
                    .withLimits(limits)
                    .withOptions(uplinkOptions),
                router);
    downlinks.start();
    uplinks.start();
    this.userIds = new String[maxUsers];
    this.tos = new String[maxUsers];
    for (int i = 0; i < maxUsers; i++) {
      userIds[i] = PushTarget.userId(i);
      tos[i] = "user:" + userIds[i];
    }
    this.from = from;
  }

  @Override
  public int port() {
    return downlinks.endpoints().get(0).getPort();
  }

  public int uplinkPort() {
    return uplinks.endpoints().get(0).getPort();
  }

  @Override
  public int connected() {
    return router.localDownlinkCount();
  }

  @Override
  public void push(int user, byte[] payload) {
    router.push(userIds[user], message(user, payload));
  }

  @Override
  public void pushBurst(int user, byte[][] payloads) {
    List<Message> burst = new ArrayList<>(payloads.length);
    for (byte[] p : payloads) {
      burst.add(message(user, p));
    }
    router.pushAll(userIds[user], burst);
  }

  private Message message(int user, byte[] payload) {
    return new Message(from, tos[user], UnsafeByteOperations.unsafeWrap(payload), Map.of());
  }

  @Override
  public void close() {
    for (Transport t : List.of(downlinks, uplinks)) {
      t.stopAccepting();
    }
    for (Transport t : List.of(downlinks, uplinks)) {
      try {
        t.shutdown().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Closing at the end of a run: the process exits next anyway.
      }
    }
    router.close();
  }
}

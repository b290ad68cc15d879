package io.linkgate.bench.internal;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.protobuf.UnsafeByteOperations;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.Limits;
import io.linkgate.api.transport.TransportSettings;
import io.linkgate.router.Hs256Authenticator;
import io.linkgate.router.Message;
import io.linkgate.router.Router;
import io.linkgate.transport.tcp.TcpTransportProvider;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Linkgate as an embedder runs it: a {@link Router} behind the TCP downlink transport, built the
 * way the assembly builds it (the provider's Guice module, the factory from {@code
 * TransportBindings}), with limits sized for the benchmark rather than for hostile clients.
 */
public final class LinkgateNode implements PushTarget {
  /** {@code -Dlinkgate.bench.metrics=true} (through {@code --server-jvm}): the router counts into Micrometer. */
  public static final String METRICS_PROPERTY = "linkgate.bench.metrics";

  /**
   * With {@link #METRICS_PROPERTY} set, the node's own metrics as the assembly wires them, to
   * measure what they cost; else {@code builder} as it is.
   */
  static Router.Builder withMetricsIfAsked(Router.Builder builder) {
    if (Boolean.getBoolean(METRICS_PROPERTY)) {
      builder.events(
          new io.linkgate.server.internal.ops.MicrometerRouterEvents(
              new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                  io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT)));
    }
    return builder;
  }

  private final Router router;
  private final DownlinkTransport transport;
  private final String[] userIds;
  private final String[] tos;
  private final String from;

  public LinkgateNode(
      String host, byte[] secret, int maxUsers, int inboxCapacity, int outboundQueueBytes,
      Map<String, String> transportOptions, String from)
      throws IOException {
    Router.Builder builder =
        Router.builder()
            .nodeId("bench")
            .authenticator(new Hs256Authenticator(secret))
            .inboxCapacity(inboxCapacity);
    this.router = withMetricsIfAsked(builder).build();
    Injector injector = Guice.createInjector(new TcpTransportProvider().module());
    Map<String, DownlinkTransport.Factory> factories =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, DownlinkTransport.Factory>>() {}));
    Limits d = Limits.defaults();
    // Benchmark limits: a long heartbeat so idle connections need no pings, a handshake timeout
    // that survives 18,000 connections arriving at once, an outbound bound no burst reaches.
    Limits limits =
        new Limits(
            d.maxFrameBytes(), outboundQueueBytes, Duration.ofSeconds(60), d.minHeartbeatMs(),
            600_000, 300_000, d.heartbeatMissFactor(), d.uplinkIdleTimeout());
    TransportSettings settings =
        TransportSettings.of("bench", Role.DOWNLINK, host, List.of(0))
            .withLimits(limits)
            .withOptions(transportOptions);
    this.transport = factories.get("tcp").create(settings, router);
    transport.start();
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
    return transport.endpoints().get(0).getPort();
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
    // The router's batch call, the counterpart of the baseline's write-write-...-flush: one store
    // round trip for the burst, and the transport's drain sends it in one flush.
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
    transport.stopAccepting();
    try {
      transport.shutdown().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Closing at the end of a run: the process exits next anyway.
    }
    router.close();
  }
}

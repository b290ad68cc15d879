package io.linkgate.server.internal.ops;

import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.TransportEvents;
import io.linkgate.router.RouterEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The router's events as Prometheus counters and a histogram. Every meter is made up front, one
 * per label value (roles and error codes are closed sets), so an event is a lock-free increment
 * with no lookup and no allocation. Labels never carry a user or device id.
 */
public final class MicrometerRouterEvents implements RouterEvents {
  private final Map<ErrorCode, Counter> refusedDownlinks = new EnumMap<>(ErrorCode.class);
  private final Map<ErrorCode, Counter> refusedUplinks = new EnumMap<>(ErrorCode.class);
  private final Map<ErrorCode, Counter> sendsRefused = new EnumMap<>(ErrorCode.class);
  private final Map<ErrorCode, Counter> pushesRefused = new EnumMap<>(ErrorCode.class);
  private final Counter sendsAccepted;
  private final Timer sendLatency;
  private final Counter resumesComplete;
  private final Counter resumesIncomplete;
  private final Counter dedupHits;
  private final Counter pushesStored;
  private final Counter roomMessages;
  private final Counter roomDeliveries;
  private final MeterRegistry registry;
  /** Per transport: downlinks open now. Transports are the few configured ones: a bounded label. */
  private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> open =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ConcurrentHashMap<String, Counter> downlinksOpened =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ConcurrentHashMap<String, Counter> uplinksOpened =
      new java.util.concurrent.ConcurrentHashMap<>();
  /** Per transport name: its events, made once; a name's downlink and uplink share them. */
  private final java.util.concurrent.ConcurrentHashMap<String, TransportEvents> transports =
      new java.util.concurrent.ConcurrentHashMap<>();

  public MicrometerRouterEvents(MeterRegistry registry) {
    this.registry = registry;
    for (ErrorCode code : ErrorCode.values()) {
      if (code == ErrorCode.UNRECOGNIZED) {
        continue;
      }
      String reason = code.name().toLowerCase(Locale.ROOT);
      refusedDownlinks.put(code, handshakeCounter(registry, "downlink", reason));
      refusedUplinks.put(code, handshakeCounter(registry, "uplink", reason));
      sendsRefused.put(
          code,
          Counter.builder("linkgate.sends.refused").description("sends answered with an Error, by code")
              .tag("reason", reason).register(registry));
      pushesRefused.put(
          code,
          Counter.builder("linkgate.pushes.refused").description("pushes refused before they were stored, by code")
              .tag("reason", reason).register(registry));
    }
    sendsAccepted = Counter.builder("linkgate.sends.accepted").description("sends answered with a SendAck").register(registry);
    sendLatency =
        Timer.builder("linkgate.send.latency")
            .description("from a Send's arrival to its answer")
            .publishPercentileHistogram()
            .register(registry);
    resumesComplete = resumeCounter(registry, "true");
    resumesIncomplete = resumeCounter(registry, "false");
    dedupHits = Counter.builder("linkgate.dedup.hits").description("retried sends answered from the dedup window").register(registry);
    pushesStored = Counter.builder("linkgate.pushes.stored").description("direct pushes stored in inboxes").register(registry);
    roomMessages = Counter.builder("linkgate.room.messages").description("room messages delivered on this node").register(registry);
    roomDeliveries = Counter.builder("linkgate.room.deliveries").description("room messages times local members").register(registry);
  }

  private static Counter handshakeCounter(MeterRegistry registry, String role, String reason) {
    return Counter.builder("linkgate.handshakes.refused")
        .description("handshakes refused, by role and code")
        .tag("role", role)
        .tag("reason", reason)
        .register(registry);
  }

  private static Counter resumeCounter(MeterRegistry registry, String complete) {
    return Counter.builder("linkgate.resumes")
        .description("downlink handshakes, by whether the inbox still held everything asked for")
        .tag("complete", complete)
        .register(registry);
  }

  @Override
  public void downlinkOpened(String transport) {
    openGauge(transport).incrementAndGet();
    downlinksOpened.computeIfAbsent(transport, t -> openedCounter("downlink", t)).increment();
  }

  @Override
  public void downlinkClosed(String transport) {
    openGauge(transport).decrementAndGet();
  }

  @Override
  public void uplinkOpened(String transport) {
    uplinksOpened.computeIfAbsent(transport, t -> openedCounter("uplink", t)).increment();
  }

  private java.util.concurrent.atomic.AtomicInteger openGauge(String transport) {
    java.util.concurrent.atomic.AtomicInteger n = open.get(transport);
    if (n != null) {
      return n;
    }
    return open.computeIfAbsent(
        transport,
        t -> {
          java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
          io.micrometer.core.instrument.Gauge.builder("linkgate.connections.open", count, java.util.concurrent.atomic.AtomicInteger::get)
              .description("downlinks open now, by transport")
              .tag("transport", t)
              .tag("role", "downlink")
              .register(registry);
          return count;
        });
  }

  private Counter openedCounter(String role, String transport) {
    return Counter.builder("linkgate.connections.opened")
        .description("connections that completed their handshake, by transport and role")
        .tag("transport", transport)
        .tag("role", role)
        .register(registry);
  }

  @Override
  public TransportEvents transport(String transport) {
    return transports.computeIfAbsent(transport, t -> new MicrometerTransportEvents(registry, t));
  }

  @Override
  public void handshakeRefused(Role role, ErrorCode code) {
    Counter c = (role == Role.UPLINK ? refusedUplinks : refusedDownlinks).get(code);
    if (c != null) {
      c.increment();
    }
  }

  @Override
  public void resumed(boolean complete) {
    (complete ? resumesComplete : resumesIncomplete).increment();
  }

  @Override
  public void sendAnswered(ErrorCode code, long nanos) {
    if (code == null) {
      sendsAccepted.increment();
    } else {
      Counter c = sendsRefused.get(code);
      if (c != null) {
        c.increment();
      }
    }
    sendLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void dedupHit() {
    dedupHits.increment();
  }

  @Override
  public void pushesStored(int count) {
    pushesStored.increment(count);
  }

  @Override
  public void pushRefused(ErrorCode code) {
    Counter c = pushesRefused.get(code);
    if (c != null) {
      c.increment();
    }
  }

  @Override
  public void roomDelivered(int members) {
    if (members > 0) {
      roomMessages.increment();
      roomDeliveries.increment(members);
    }
  }
}

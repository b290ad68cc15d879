package io.linkgate.server.internal.ops;

import io.linkgate.api.transport.TransportError;
import io.linkgate.api.transport.TransportEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One transport's events as meters tagged with its name, all made when the transport asks for its
 * events: a push written is one timer record, anything else one increment (errors are an array
 * indexed by kind), with no lookup and no allocation. The outbound queue gauge asks the transport
 * when it is scraped.
 */
final class MicrometerTransportEvents implements TransportEvents {
  private final Timer pushLatency;
  private final Counter slowConsumers;
  private final Counter heartbeatTimeouts;
  private final Counter[] errors;
  private final List<LongSupplier> queues = new CopyOnWriteArrayList<>();

  MicrometerTransportEvents(MeterRegistry registry, String transport) {
    pushLatency =
        Timer.builder("linkgate.push.latency")
            .description("from the router accepting a push to its transport writing it, by transport")
            .tag("transport", transport)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1).dividedBy(10))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
    slowConsumers =
        Counter.builder("linkgate.slow.consumers.closed")
            .description("downlinks closed because their outbound queue passed its bound")
            .tag("transport", transport)
            .register(registry);
    heartbeatTimeouts =
        Counter.builder("linkgate.heartbeat.timeouts")
            .description("downlinks closed because their client went silent past the miss window")
            .tag("transport", transport)
            .register(registry);
    TransportError[] kinds = TransportError.values();
    errors = new Counter[kinds.length];
    for (TransportError kind : kinds) {
      errors[kind.ordinal()] =
          Counter.builder("linkgate.transport.errors")
              .description("connections or requests in trouble, by transport and kind")
              .tag("transport", transport)
              .tag("kind", kind.name().toLowerCase(Locale.ROOT))
              .register(registry);
    }
    // Strong: the gauge's only reference to the list is the registry's.
    Gauge.builder("linkgate.outbound.queue.bytes", queues, MicrometerTransportEvents::sum)
        .description("bytes queued for clients and not yet handed to the socket, by transport")
        .tag("transport", transport)
        .strongReference(true)
        .register(registry);
  }

  private static double sum(List<LongSupplier> queues) {
    long total = 0;
    for (LongSupplier q : queues) {
      total += q.getAsLong();
    }
    return total;
  }

  @Override
  public void pushWritten(long latencyNanos) {
    pushLatency.record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void slowConsumerClosed() {
    slowConsumers.increment();
  }

  @Override
  public void heartbeatTimeout() {
    heartbeatTimeouts.increment();
  }

  @Override
  public void error(TransportError kind) {
    errors[kind.ordinal()].increment();
  }

  @Override
  public void outboundQueue(LongSupplier queuedBytes) {
    queues.add(queuedBytes);
  }
}

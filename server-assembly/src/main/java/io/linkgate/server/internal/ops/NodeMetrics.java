package io.linkgate.server.internal.ops;

import io.linkgate.router.Router;
import io.linkgate.router.store.RouterStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The node's state as gauges read at scrape time (nothing on the message path), and the JVM's and
 * the process's own meters.
 */
public final class NodeMetrics {
  private NodeMetrics() {}

  public static void bind(MeterRegistry registry, Router router, RouterStore store) {
    Gauge.builder("linkgate.downlinks.open", router, Router::localDownlinkCount)
        .description("downlinks connected to this node")
        .register(registry);
    Gauge.builder("linkgate.rooms", router, Router::localRoomCount)
        .description("rooms with members on this node")
        .register(registry);
    Gauge.builder("linkgate.room.members", router, Router::localRoomMemberCount)
        .description("room memberships on this node, all rooms together")
        .register(registry);
    Gauge.builder("linkgate.store.available", store, s -> s.isAvailable() ? 1 : 0)
        .description("1 while the store (Redis in a cluster) answers")
        .register(registry);
    if (store.inboxes().userCount().isPresent()) {
      // Only a store that can count cheaply has the gauge (in memory: yes; Redis: no, a scan).
      Gauge.builder("linkgate.inbox.users", store.inboxes(), i -> i.userCount().orElse(0))
          .description("users with an inbox in this node's store (an estimate)")
          .register(registry);
    }
    FunctionCounter.builder("linkgate.session.cache.hits", router, r -> r.sessionCacheStats().hits())
        .description("session lookups answered by the near cache")
        .register(registry);
    FunctionCounter.builder("linkgate.session.cache.misses", router, r -> r.sessionCacheStats().misses())
        .description("session lookups that went to the registry")
        .register(registry);
    Gauge.builder("linkgate.dedup.window.answers", router, r -> r.dedupWindowStats().answers())
        .description("answers the send dedup window keeps now")
        .register(registry);
    Gauge.builder("linkgate.dedup.window.reach", router, r -> r.dedupWindowStats().reach().toNanos() / 1e9)
        .description(
            "how far back the send dedup window reaches: the dedup ttl, or the time since the"
                + " latest send it dropped to make room; a retry older than this may be delivered"
                + " again")
        .baseUnit("seconds")
        .register(registry);
    FunctionCounter.builder(
            "linkgate.dedup.window.early.drops", router, r -> r.dedupWindowStats().earlyDrops())
        .description("sends dropped from the full dedup window before the dedup ttl")
        .register(registry);
    FunctionCounter.builder(
            "linkgate.dedup.window.short.drops", router, r -> r.dedupWindowStats().shortDrops())
        .description(
            "sends dropped from the full dedup window younger than 30 s, while clients may still"
                + " retry them: a retry of one is delivered again")
        .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }
}

package io.linkgate.server.internal;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.linkgate.router.store.RedisRouterStore;
import io.linkgate.router.store.RouterStore;
import io.linkgate.server.LinkgateConfig;
import io.linkgate.server.StoreConfig;
import io.linkgate.server.internal.ops.RedisMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The cluster store: Redis, shared by every node with the same URI and key prefix. */
public final class RedisStoreModule extends AbstractModule {
  @Provides
  @Singleton
  RouterStore store(LinkgateConfig cfg, PrometheusMeterRegistry registry) {
    StoreConfig s = cfg.store();
    // Command latency and failures on the node's /metrics, through Lettuce's own hooks.
    return RedisMetrics.measured(RedisRouterStore.builder(s.uri()), registry)
        .keyPrefix(s.keyPrefix())
        .nodeTtl(s.nodeTtl())
        .commandTimeout(s.commandTimeout())
        .sendClaimTtl(s.sendClaimTtl())
        .inboxCapacity(cfg.router().inboxCapacity())
        .inboxIdleTtl(cfg.router().inboxIdleTtl())
        .connect();
  }
}

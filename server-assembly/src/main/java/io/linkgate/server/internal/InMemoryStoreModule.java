package io.linkgate.server.internal;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.linkgate.router.store.RouterStore;
import io.linkgate.server.LinkgateConfig;
import io.linkgate.server.RouterConfig;

/** The default store: this node only, in memory. */
public final class InMemoryStoreModule extends AbstractModule {
  @Provides
  @Singleton
  RouterStore store(LinkgateConfig cfg) {
    RouterConfig r = cfg.router();
    return RouterStore.inMemory(r.inboxCapacity(), r.inboxMaxUsers(), r.inboxIdleTtl());
  }
}

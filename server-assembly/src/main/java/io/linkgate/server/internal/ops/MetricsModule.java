package io.linkgate.server.internal.ops;

import com.google.inject.AbstractModule;
import io.linkgate.router.RouterEvents;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The node's meter registry, and the router events that count into it. Bindings only. */
public final class MetricsModule extends AbstractModule {
  private final PrometheusMeterRegistry registry;

  public MetricsModule(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  protected void configure() {
    bind(PrometheusMeterRegistry.class).toInstance(registry);
    bind(RouterEvents.class).toInstance(new MicrometerRouterEvents(registry));
  }
}

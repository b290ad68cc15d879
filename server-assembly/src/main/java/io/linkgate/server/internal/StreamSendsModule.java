package io.linkgate.server.internal;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import io.linkgate.router.BusinessHandler;
import io.linkgate.router.stream.RedisStreamBusinessHandler;
import io.linkgate.server.LinkgateConfig;

/** Sends go to a Redis Stream for a business service to deliver ({@code sends.handler: redis-stream}). */
public final class StreamSendsModule extends AbstractModule {
  @Override
  protected void configure() {
    OptionalBinder.newOptionalBinder(binder(), BusinessHandler.class)
        .setBinding()
        .to(RedisStreamBusinessHandler.class);
  }

  @Provides
  @Singleton
  RedisStreamBusinessHandler handler(LinkgateConfig cfg) {
    return RedisStreamBusinessHandler.builder(cfg.store().uri())
        .stream(cfg.sends().stream())
        .maxLen(cfg.sends().streamMaxLen())
        .commandTimeout(cfg.store().commandTimeout())
        .connect();
  }
}

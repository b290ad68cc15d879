package io.linkgate.server.internal;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.linkgate.api.auth.Authenticator;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportBindings;
import io.linkgate.router.Hs256Authenticator;
import io.linkgate.router.BusinessHandler;
import io.linkgate.router.Router;
import io.linkgate.router.RouterEvents;
import com.google.inject.multibindings.OptionalBinder;
import java.util.Optional;
import io.linkgate.router.store.RouterStore;
import io.linkgate.server.LinkgateConfig;
import io.linkgate.server.RouterConfig;

/**
 * The node's own bindings: its configuration, the authenticator and the router (the store comes
 * from the module {@link StoreModules} picks). Bindings only:
 * building it touches no socket or file; choices that depend on configuration are made before it.
 */
public final class ServerModule extends AbstractModule {
  private final LinkgateConfig config;
  private final AuthSecret secret;

  public ServerModule(LinkgateConfig config, AuthSecret secret) {
    this.config = config;
    this.secret = secret;
  }

  @Override
  protected void configure() {
    bind(LinkgateConfig.class).toInstance(config);
    bind(AuthSecret.class).toInstance(secret);
    bind(SessionHandler.class).to(Router.class);
    // Declared here so the maps exist (empty) even with no transport on the class path.
    TransportBindings.downlinks(binder());
    TransportBindings.uplinks(binder());
    // Absent unless the configuration chose a handler of its own (sends.handler).
    OptionalBinder.newOptionalBinder(binder(), BusinessHandler.class);
  }

  @Provides
  @Singleton
  Authenticator authenticator(AuthSecret authSecret) {
    return new Hs256Authenticator(authSecret.bytes());
  }

  @Provides
  @Singleton
  Router router(
      LinkgateConfig cfg,
      Authenticator authenticator,
      RouterStore store,
      Optional<BusinessHandler> sends,
      RouterEvents events) {
    RouterConfig r = cfg.router();
    // The store module (chosen by store.type) applies the inbox settings.
    Router.Builder b = Router.builder().events(events);
    sends.ifPresent(b::businessHandler);
    if (cfg.limits().sendsPerSecond() > 0) {
      b.sendRate(cfg.limits().sendsPerSecond(), cfg.limits().sendBurst());
    }
    b.addressLimits(cfg.limits().sessionsPerAddress(), cfg.limits().handshakesPerSecondPerAddress());
    return b
        .nodeId(cfg.nodeId())
        .authenticator(authenticator)
        .store(store)
        .dedupCapacity(r.dedupCapacity())
        .dedupTtl(r.dedupTtl())
        .maxFrameBytes(cfg.limits().maxFrameBytes())
        .build();
  }
}

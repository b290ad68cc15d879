package io.linkgate.server.internal;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportBindings;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.api.transport.UplinkSession;
import io.linkgate.api.transport.UplinkTransport;
import io.linkgate.server.ConfigException;
import io.linkgate.server.LinkgateConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What a start checks before it binds anything, without starting: the auth secret a node would use,
 * and every listener (its transport known on the class path for its role, its TLS files readable,
 * its options accepted by the transport). Transports are created, which their SPI says is cheap and
 * binds nothing, and never started. The store is not contacted.
 */
public final class ConfigCheck {
  private ConfigCheck() {}

  /**
   * @return the secret the node would verify tokens with
   * @throws ConfigException with the message a start would fail with
   */
  public static AuthSecret check(LinkgateConfig config, Map<String, String> env, ClassLoader loader) {
    AuthSecret secret = AuthSecret.resolve(config.auth().secret(), "auth.secret", env);
    List<Module> modules = new ArrayList<>();
    modules.add(binder -> {
      TransportBindings.downlinks(binder);
      TransportBindings.uplinks(binder);
    });
    for (TransportProvider p : TransportCatalog.discover(loader)) {
      modules.add(p.module());
    }
    // Development stage: nothing is created before it is asked for, and only the factories are.
    Injector injector = Guice.createInjector(Stage.DEVELOPMENT, modules);
    Listeners.create(
        config,
        injector.getInstance(Key.get(new TypeLiteral<Map<String, DownlinkTransport.Factory>>() {})),
        injector.getInstance(Key.get(new TypeLiteral<Map<String, UplinkTransport.Factory>>() {})),
        NOT_SERVING);
    return secret;
  }

  /** Where the secret of {@code secret} came from, for an operator reading the check's output. */
  public static String describeSource(AuthSecret secret) {
    if (secret.isDevelopment()) {
      return "the built-in development secret (public: anyone can connect as any user; never in production)";
    }
    return secret.source().equals("auth.secret") ? "set in the configuration file" : "from " + secret.source();
  }

  /** The transports are never started, so no connection reaches it. */
  private static final SessionHandler NOT_SERVING =
      new SessionHandler() {
        @Override
        public CompletableFuture<DownlinkSession> openDownlink(
            Hello hello, ConnectionInfo info, DownlinkChannel channel) {
          return CompletableFuture.failedFuture(notServing());
        }

        @Override
        public CompletableFuture<UplinkSession> openUplink(Hello hello, ConnectionInfo info) {
          return CompletableFuture.failedFuture(notServing());
        }
      };

  private static GatewayException notServing() {
    return new GatewayException(ErrorCode.UNAVAILABLE, "configuration check only: not serving");
  }
}

package io.linkgate.tck;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.Limits;
import io.linkgate.api.transport.Transport;
import io.linkgate.api.transport.TransportBindings;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.api.transport.TransportSettings;
import io.linkgate.api.transport.UplinkTransport;
import io.linkgate.router.Hs256Authenticator;
import io.linkgate.router.Router;
import io.linkgate.router.store.RouterStore;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One gateway node as the assembly would build it: an in-memory router and the transport under test
 * serving both roles on 127.0.0.1, port 0, created from the factories its Guice module registers.
 */
final class TckNode implements AutoCloseable {
  static final String HOST = "127.0.0.1";
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(15);

  private final Router router;
  private final RouterStore store;
  private final DownlinkTransport downlink;
  private final UplinkTransport uplink;
  private final Limits limits;

  private TckNode(
      Router router, RouterStore store, DownlinkTransport downlink, UplinkTransport uplink, Limits limits) {
    this.router = router;
    this.store = store;
    this.downlink = downlink;
    this.uplink = uplink;
    this.limits = limits;
  }

  /** @param stores the cluster's stores, or null for a node with its own in-memory store */
  static TckNode start(TransportProvider provider, NodeConfig config, byte[] secret, NodeStores stores)
      throws IOException {
    Injector injector =
        Guice.createInjector(
            provider.module(),
            binder -> {
              // Declares both maps, so a transport serving one role fails below with a clear
              // message rather than inside Guice.
              TransportBindings.downlinks(binder);
              TransportBindings.uplinks(binder);
            });
    Map<String, DownlinkTransport.Factory> downlinks =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, DownlinkTransport.Factory>>() {}));
    Map<String, UplinkTransport.Factory> uplinks =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, UplinkTransport.Factory>>() {}));
    String name = provider.name();
    DownlinkTransport.Factory downlinkFactory = require(downlinks, name, Role.DOWNLINK);
    UplinkTransport.Factory uplinkFactory = require(uplinks, name, Role.UPLINK);

    Router.Builder builder =
        Router.builder()
            .nodeId(config.nodeId())
            .authenticator(new Hs256Authenticator(secret))
            .inboxCapacity(config.inboxCapacity());
    RouterStore store = stores == null ? null : stores.open(config.nodeId(), config.inboxCapacity());
    if (store != null) {
      builder.store(store);
    }
    if (config.sendsPerSecond() > 0) {
      builder.sendRate(config.sendsPerSecond(), config.sendBurst());
    }
    Router router = builder.build();
    DownlinkTransport downlink = downlinkFactory.create(settings(config, Role.DOWNLINK), router);
    UplinkTransport uplink = uplinkFactory.create(settings(config, Role.UPLINK), router);
    TckNode node = new TckNode(router, store, downlink, uplink, config.limits());
    try {
      downlink.start();
      uplink.start();
    } catch (IOException | RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  private static TransportSettings settings(NodeConfig config, Role role) {
    return new TransportSettings(
        config.nodeId(),
        role,
        HOST,
        Collections.nCopies(config.portsPerRole(), 0),
        Optional.empty(),
        config.limits(),
        config.options().apply(role));
  }

  private static <F> F require(Map<String, F> factories, String name, Role role) {
    F factory = factories.get(name);
    if (factory == null) {
      throw new IllegalStateException(
          "transport '"
              + name
              + "' registers no "
              + role
              + " factory under its name (registered: "
              + factories.keySet()
              + "); the kit tests both roles");
    }
    return factory;
  }

  Router router() {
    return router;
  }

  Limits limits() {
    return limits;
  }

  DownlinkTransport downlinkTransport() {
    return downlink;
  }

  UplinkTransport uplinkTransport() {
    return uplink;
  }

  Endpoint endpoint(Role role) {
    return endpoints(role).get(0);
  }

  List<Endpoint> endpoints(Role role) {
    Transport t = role == Role.DOWNLINK ? downlink : uplink;
    List<Endpoint> endpoints = t.endpoints();
    if (endpoints.isEmpty()) {
      throw new IllegalStateException(t.name() + " " + role + " started but lists no endpoint");
    }
    return endpoints;
  }

  /** Stops both transports and the router, waiting a bounded time for the transports' threads. */
  @Override
  public void close() {
    AssertionError downlinkFailure = shutdown(downlink, Role.DOWNLINK);
    AssertionError uplinkFailure = shutdown(uplink, Role.UPLINK);
    router.close();
    if (store != null) {
      store.close();
    }
    if (downlinkFailure != null) {
      throw downlinkFailure;
    }
    if (uplinkFailure != null) {
      throw uplinkFailure;
    }
  }

  private static AssertionError shutdown(Transport t, Role role) {
    try {
      t.stopAccepting();
      t.shutdown().toCompletableFuture().get(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new AssertionError("interrupted while shutting down the " + role + " transport", e);
    } catch (Exception e) {
      return new AssertionError(
          t.name()
              + " "
              + role
              + " transport did not shut down within "
              + SHUTDOWN_TIMEOUT
              + ": "
              + e,
          e);
    }
  }
}

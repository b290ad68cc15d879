package io.linkgate.server.internal;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.Transport;
import io.linkgate.api.transport.TransportSettings;
import io.linkgate.api.transport.UplinkTransport;
import io.linkgate.server.ConfigException;
import io.linkgate.server.LinkgateConfig;
import io.linkgate.server.ListenerConfig;
import io.linkgate.server.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The node's transports, one per configured listener, created from the factories the providers
 * registered. Every name and file is checked before the first port is bound, so a typo fails the
 * start with nothing half-open.
 */
public final class Listeners {
  private final List<Transport> transports;
  private final List<String> descriptions; // "tcp downlink on ports [7100]", for errors

  private Listeners(List<Transport> transports, List<String> descriptions) {
    this.transports = transports;
    this.descriptions = descriptions;
  }

  /**
   * Creates (binds nothing yet) the transports the configuration asks for.
   *
   * @throws ConfigException for an unknown transport name, listing the known ones, or a missing TLS file
   */
  public static Listeners create(
      LinkgateConfig config,
      Map<String, DownlinkTransport.Factory> downlinks,
      Map<String, UplinkTransport.Factory> uplinks,
      SessionHandler handler) {
    List<ListenerConfig> down = config.transports().downlink();
    List<ListenerConfig> up = config.transports().uplink();
    for (int i = 0; i < down.size(); i++) {
      check(down.get(i), "transports.downlink[" + i + "]", "downlink", downlinks.keySet(), uplinks.keySet());
    }
    for (int i = 0; i < up.size(); i++) {
      check(up.get(i), "transports.uplink[" + i + "]", "uplink", uplinks.keySet(), downlinks.keySet());
    }
    List<Transport> created = new ArrayList<>();
    List<String> descriptions = new ArrayList<>();
    for (int i = 0; i < down.size(); i++) {
      ListenerConfig l = down.get(i);
      String where = "transports.downlink[" + i + "]";
      created.add(create(where, () -> downlinks.get(l.transport()).create(settings(config, Role.DOWNLINK, l), handler)));
      descriptions.add(l.transport() + " downlink on ports " + l.ports());
    }
    for (int i = 0; i < up.size(); i++) {
      ListenerConfig l = up.get(i);
      String where = "transports.uplink[" + i + "]";
      created.add(create(where, () -> uplinks.get(l.transport()).create(settings(config, Role.UPLINK, l), handler)));
      descriptions.add(l.transport() + " uplink on ports " + l.ports());
    }
    return new Listeners(List.copyOf(created), List.copyOf(descriptions));
  }

  /**
   * Starts every transport in order. If one fails to bind, those already started are shut down and
   * the failure names the listener.
   */
  public void startAll() throws IOException {
    for (int i = 0; i < transports.size(); i++) {
      try {
        transports.get(i).start();
      } catch (IOException | RuntimeException e) {
        shutdownAll().exceptionally(x -> null);
        throw new IOException("cannot start the " + descriptions.get(i) + ": " + e.getMessage(), e);
      }
    }
  }

  /** What the transports actually bound (port 0 replaced by the chosen port). */
  public List<Endpoint> endpoints() {
    List<Endpoint> all = new ArrayList<>();
    for (Transport t : transports) {
      all.addAll(t.endpoints());
    }
    return all;
  }

  public void stopAccepting() {
    for (Transport t : transports) {
      t.stopAccepting();
    }
  }

  /** Shuts every transport down; completes when all have, even if some failed. */
  public CompletableFuture<Void> shutdownAll() {
    CompletableFuture<?>[] all = new CompletableFuture<?>[transports.size()];
    for (int i = 0; i < all.length; i++) {
      Transport t = transports.get(i);
      CompletableFuture<Void> stage;
      try {
        stage = t.shutdown().toCompletableFuture();
      } catch (RuntimeException e) {
        stage = CompletableFuture.failedFuture(e);
      }
      all[i] = stage;
    }
    return CompletableFuture.allOf(all);
  }

  private static void check(
      ListenerConfig l, String where, String role, Set<String> known, Set<String> otherRole) {
    if (!known.contains(l.transport())) {
      String hint =
          otherRole.contains(l.transport())
              ? " ('" + l.transport() + "' serves only the other role)"
              : known.isEmpty() ? " (no " + role + " transport is on the class path)" : "";
      throw new ConfigException(
          "unknown " + role + " transport '" + l.transport() + "' at " + where + "; known " + role
              + " transports: " + new TreeSet<>(known) + hint);
    }
    Optional<TlsConfig> tls = l.tlsConfig();
    if (tls.isPresent()) {
      requireReadable(tls.get().certificateChain(), where + ".tls.certificate-chain");
      requireReadable(tls.get().privateKey(), where + ".tls.private-key");
    }
  }

  /** A factory refuses bad options with IllegalArgumentException; say which listener had them. */
  private static Transport create(String where, Supplier<Transport> factory) {
    try {
      return factory.get();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + ": " + e.getMessage());
    }
  }

  private static void requireReadable(String file, String where) {
    Path p = Path.of(file);
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw new ConfigException(where + ": no readable file at " + p.toAbsolutePath());
    }
  }

  private static TransportSettings settings(LinkgateConfig config, Role role, ListenerConfig l) {
    return new TransportSettings(
        config.nodeId(),
        role,
        config.bindHost(),
        l.ports(),
        l.tlsConfig().map(TlsConfig::toSettings),
        config.limits().toLimits(),
        l.options());
  }
}

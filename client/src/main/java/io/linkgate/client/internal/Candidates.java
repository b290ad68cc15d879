package io.linkgate.client.internal;

import io.linkgate.api.proto.Endpoint;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The endpoints to try for the next connection of one role, in order: those a GoAway named (once),
 * else the one that last won on the current network; then dispatch's ranked list, or the configured
 * endpoints in transport order when dispatch gave none. Scheduler thread only.
 */
final class Candidates {
  private final List<Endpoint> configured;
  private final TransportOrder transports;
  private final Supplier<String> network;
  private final Map<String, Endpoint> lastGood = new Lru<>(Lru.NETWORKS);
  private List<Endpoint> redirect = List.of();

  Candidates(List<Endpoint> configured, TransportOrder transports, Supplier<String> network) {
    this.configured = List.copyOf(configured);
    this.transports = transports;
    this.network = network;
  }

  /** The candidates of one role, with the client's transport preference and network. */
  static Candidates of(ClientConfig config, List<Endpoint> configured) {
    return new Candidates(
        configured,
        new TransportOrder(
            config.transportPreference(), config.retryPreferredTransportAfter(), System::nanoTime),
        config::network);
  }

  /**
   * @param dispatched dispatch's list for this role, best first; empty to use the configured ones
   */
  List<Endpoint> next(List<Endpoint> dispatched) {
    String net = network.get();
    Set<Endpoint> merged = new LinkedHashSet<>(redirect);
    Endpoint good = lastGood.get(net);
    if (redirect.isEmpty() && good != null) {
      merged.add(good);
    }
    merged.addAll(dispatched.isEmpty() ? transports.sort(configured, net) : dispatched);
    redirect = List.of();
    return List.copyOf(merged);
  }

  /**
   * Asks {@code source} for the lists, takes this role's candidates from them on the scheduler
   * thread, and opens a connection to them with {@code open}.
   */
  <T> CompletionStage<Connector.Opened<T>> connect(
      EndpointSource source,
      String token,
      Scheduler scheduler,
      Function<EndpointSource.Lists, List<Endpoint>> role,
      Function<List<Endpoint>, CompletionStage<Connector.Opened<T>>> open) {
    CompletableFuture<List<Endpoint>> chosen = new CompletableFuture<>();
    source.current(token).whenComplete((lists, error) -> scheduler.runOrPost(() -> {
      if (error != null) {
        chosen.completeExceptionally(error);
        return;
      }
      List<Endpoint> list = next(role.apply(lists));
      if (list.isEmpty()) {
        chosen.completeExceptionally(
            new IOException("dispatch gave no endpoint for this role and none is configured"));
      } else {
        chosen.complete(list);
      }
    }));
    return chosen.thenCompose(open);
  }

  void succeeded(Endpoint endpoint) {
    String net = network.get();
    lastGood.put(net, endpoint);
    transports.worked(net, endpoint.getTransport());
  }

  /** A GoAway: the current node is leaving; try {@code endpoints} first next time. */
  void redirect(List<Endpoint> endpoints) {
    redirect = List.copyOf(endpoints);
    lastGood.remove(network.get());
  }
}

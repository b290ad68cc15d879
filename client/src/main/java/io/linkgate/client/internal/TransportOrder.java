package io.linkgate.client.internal;

import io.linkgate.api.proto.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Orders statically configured endpoints by transport: hosts keep the order they were given, and
 * each host's endpoints go one per transport in the preferred order, then the second of each, and
 * so on ({@code tcp:7100, grpc, tunnel, tcp:443}). A race with three attempts in flight then has one
 * of each transport under way within two staggers, so a network that blocks a whole transport
 * (every TCP port black-holed) costs a stagger, not that transport's connect timeouts. A transport that worked on a network
 * where the preferred one did not goes first there for a while; once that while is over the
 * preferred one gets another chance (a carrier may have stopped blocking it). A dispatch list is
 * not reordered: the node already interleaves transports by what works.
 *
 * <p>Scheduler thread only.
 */
final class TransportOrder {
  private final List<String> preferred;
  private final long retryPreferredAfterNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Worked> workedOn = new Lru<>(Lru.NETWORKS);

  TransportOrder(List<String> preferred, Duration retryPreferredAfter, LongSupplier nanoClock) {
    this.preferred = List.copyOf(preferred);
    this.retryPreferredAfterNanos = retryPreferredAfter.toNanos();
    this.nanoClock = nanoClock;
  }

  List<Endpoint> sort(List<Endpoint> endpoints, String network) {
    List<String> order = orderOn(network);
    Map<String, List<Endpoint>> byHost = new LinkedHashMap<>();
    for (Endpoint e : endpoints) {
      byHost.computeIfAbsent(e.getHost(), h -> new ArrayList<>()).add(e);
    }
    Comparator<Endpoint> byTransport = Comparator.comparingInt(e -> {
      int i = order.indexOf(e.getTransport());
      return i < 0 ? order.size() : i; // unknown to the preference: after the known, as given
    });
    List<Endpoint> out = new ArrayList<>(endpoints.size());
    for (List<Endpoint> host : byHost.values()) {
      host.sort(byTransport); // stable: same transport keeps the configured order
      out.addAll(roundRobin(host));
    }
    return out;
  }

  /** Endpoints sorted by transport, taken one per transport per round. */
  private static List<Endpoint> roundRobin(List<Endpoint> sorted) {
    Map<String, java.util.ArrayDeque<Endpoint>> byTransport = new LinkedHashMap<>();
    for (Endpoint e : sorted) {
      byTransport.computeIfAbsent(e.getTransport(), t -> new java.util.ArrayDeque<>()).add(e);
    }
    List<Endpoint> out = new ArrayList<>(sorted.size());
    while (out.size() < sorted.size()) {
      for (java.util.ArrayDeque<Endpoint> q : byTransport.values()) {
        Endpoint e = q.poll();
        if (e != null) {
          out.add(e);
        }
      }
    }
    return out;
  }

  void worked(String network, String transport) {
    workedOn.put(network, new Worked(transport, nanoClock.getAsLong()));
  }

  /** The preference on {@code network}: the transport that worked there lately goes first. */
  List<String> orderOn(String network) {
    Worked w = workedOn.get(network);
    if (w == null || nanoClock.getAsLong() - w.atNanos >= retryPreferredAfterNanos) {
      return preferred;
    }
    List<String> order = new ArrayList<>(preferred);
    order.remove(w.transport);
    order.add(0, w.transport);
    return order;
  }

  private record Worked(String transport, long atNanos) {}
}

package io.linkgate.client.internal;

import io.linkgate.api.proto.Endpoint;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The endpoints to try for the next connection of one role, in order: those a GoAway named (once),
 * else the one that worked last; then the configured ones. Scheduler thread only.
 */
final class Candidates {
  private final List<Endpoint> configured;
  private List<Endpoint> redirect = List.of();
  private Endpoint lastGood;

  Candidates(List<Endpoint> configured) {
    this.configured = List.copyOf(configured);
  }

  List<Endpoint> next() {
    Set<Endpoint> merged = new LinkedHashSet<>(redirect);
    if (redirect.isEmpty() && lastGood != null) {
      merged.add(lastGood);
    }
    merged.addAll(configured);
    redirect = List.of();
    return List.copyOf(merged);
  }

  void succeeded(Endpoint endpoint) {
    lastGood = endpoint;
  }

  /** A GoAway: the current node is leaving; try {@code endpoints} first next time. */
  void redirect(List<Endpoint> endpoints) {
    redirect = List.copyOf(endpoints);
    lastGood = null;
  }
}

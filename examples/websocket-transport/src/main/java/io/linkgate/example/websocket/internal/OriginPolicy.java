package io.linkgate.example.websocket.internal;

import java.util.List;
import java.util.Set;

/**
 * Which browser pages may open a connection, by their {@code Origin}. A request without one comes
 * from a client that is not a browser page and is always let through: only browsers send it, and
 * only browsers need protecting from a foreign page.
 */
final class OriginPolicy {
  private final boolean any;
  private final Set<String> origins;

  OriginPolicy(List<String> allowed) {
    this.any = allowed.isEmpty() || allowed.contains("*");
    this.origins = Set.copyOf(allowed);
  }

  boolean allows(String origin) {
    return any || origin == null || origins.contains(origin);
  }
}

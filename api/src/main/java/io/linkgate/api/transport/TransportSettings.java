package io.linkgate.api.transport;

import io.linkgate.api.proto.Role;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How one transport serves one role on one node.
 *
 * @param nodeId this node's id
 * @param role the role served
 * @param host the address to bind ({@code 0.0.0.0} for all) and to advertise
 * @param ports the ports to listen on (0 picks a free one)
 * @param tls certificate and key, if the listeners use TLS
 * @param limits bounds on frames, queues and timers
 * @param options transport-specific settings, as strings
 */
public record TransportSettings(
    String nodeId,
    Role role,
    String host,
    List<Integer> ports,
    Optional<TlsSettings> tls,
    Limits limits,
    Map<String, String> options) {

  public TransportSettings {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(host, "host");
    ports = List.copyOf(ports);
    if (ports.isEmpty()) {
      throw new IllegalArgumentException("no ports for " + role);
    }
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(limits, "limits");
    options = Map.copyOf(options);
  }

  /** Settings with defaults: no TLS, default limits, no options. */
  public static TransportSettings of(String nodeId, Role role, String host, List<Integer> ports) {
    return new TransportSettings(nodeId, role, host, ports, Optional.empty(), Limits.defaults(), Map.of());
  }

  public TransportSettings withLimits(Limits newLimits) {
    return new TransportSettings(nodeId, role, host, ports, tls, newLimits, options);
  }

  public TransportSettings withTls(TlsSettings newTls) {
    return new TransportSettings(nodeId, role, host, ports, Optional.of(newTls), limits, options);
  }

  public TransportSettings withOptions(Map<String, String> newOptions) {
    return new TransportSettings(nodeId, role, host, ports, tls, limits, newOptions);
  }
}

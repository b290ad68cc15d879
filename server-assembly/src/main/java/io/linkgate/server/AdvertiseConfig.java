package io.linkgate.server;

import java.util.List;
import java.util.Locale;

/**
 * One advertised way to reach this node: a transport and role, on every host (several IPs, one
 * per carrier, say) and every port (carriers block some) listed.
 *
 * @param transport a transport name, as in {@code transports}
 * @param role {@code downlink} or {@code uplink}
 * @param hosts at least one
 * @param ports at least one
 * @param tls whether clients must use TLS there; default false
 */
public record AdvertiseConfig(String transport, String role, List<String> hosts, List<Integer> ports, Boolean tls) {
  public AdvertiseConfig {
    if (transport == null || transport.isBlank()) {
      throw new ConfigException("dispatch.advertise[].transport is required");
    }
    role = role == null ? "" : role.trim().toLowerCase(Locale.ROOT);
    if (!role.equals("downlink") && !role.equals("uplink")) {
      throw new ConfigException("dispatch.advertise[].role must be downlink or uplink, got '" + role + "'");
    }
    if (hosts == null || hosts.isEmpty() || hosts.stream().anyMatch(h -> h == null || h.isBlank())) {
      throw new ConfigException("dispatch.advertise[] (" + transport + " " + role + ") needs at least one host");
    }
    if (ports == null || ports.isEmpty() || ports.stream().anyMatch(p -> p == null || p < 1 || p > 65535)) {
      throw new ConfigException("dispatch.advertise[] (" + transport + " " + role + ") needs ports in 1..65535");
    }
    hosts = List.copyOf(hosts);
    ports = List.copyOf(ports);
    tls = tls != null && tls;
  }
}

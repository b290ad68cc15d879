package io.linkgate.server;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One transport serving one role on a list of ports.
 *
 * @param transport the transport's name, as its provider declares it ({@code tcp})
 * @param ports the ports to listen on, at least one; 0 picks a free port
 * @param tls certificate and key for TLS on these ports; null for plain connections
 * @param options transport-specific settings, passed through as strings
 */
public record ListenerConfig(
    String transport, List<Integer> ports, TlsConfig tls, Map<String, String> options) {

  public ListenerConfig {
    if (transport == null || transport.isBlank()) {
      throw new ConfigException("a listener needs a 'transport' name, such as tcp");
    }
    transport = transport.trim();
    if (ports == null || ports.isEmpty()) {
      throw new ConfigException("the " + transport + " listener needs at least one port in 'ports'");
    }
    for (Integer port : ports) {
      if (port == null || port < 0 || port > 65_535) {
        throw new ConfigException("port " + port + " of the " + transport + " listener is not in 0..65535");
      }
    }
    ports = List.copyOf(ports);
    options = options == null ? Map.of() : Map.copyOf(options);
  }

  /** A plain TCP listener on one port. */
  public static ListenerConfig tcp(int port) {
    return plain("tcp", port);
  }

  /** A listener of {@code transport} on one port, without TLS or options. */
  public static ListenerConfig plain(String transport, int port) {
    return new ListenerConfig(transport, List.of(port), null, null);
  }

  public Optional<TlsConfig> tlsConfig() {
    return Optional.ofNullable(tls);
  }
}

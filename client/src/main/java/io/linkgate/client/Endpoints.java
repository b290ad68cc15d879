package io.linkgate.client;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import java.net.URI;
import java.net.URISyntaxException;

/** Shorthands for building {@link Endpoint}s. */
public final class Endpoints {
  private Endpoints() {}

  public static Endpoint of(String transport, Role role, String host, int port) {
    return of(transport, role, host, port, false);
  }

  public static Endpoint of(String transport, Role role, String host, int port, boolean tls) {
    if (transport == null || transport.isBlank()) {
      throw new IllegalArgumentException("endpoint needs a transport name");
    }
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("endpoint needs a host");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("endpoint port must be 1..65535, got " + port);
    }
    return Endpoint.newBuilder()
        .setTransport(transport)
        .setRole(role)
        .setHost(host)
        .setPort(port)
        .setTls(tls)
        .build();
  }

  /**
   * Parses {@code transport://host:port}, with {@code +tls} after the transport name for TLS: {@code
   * tcp://127.0.0.1:7000}, {@code tcp+tls://gw.example.com:443}, {@code tcp://[::1]:7000}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Endpoint parse(String text, Role role) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "bad endpoint '" + text + "': expected transport://host:port (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme();
    if (scheme == null || uri.getHost() == null || uri.getPort() < 0) {
      throw new IllegalArgumentException(
          "bad endpoint '" + text + "': expected transport://host:port, e.g. tcp://127.0.0.1:7000");
    }
    boolean tls = scheme.endsWith("+tls");
    String transport = tls ? scheme.substring(0, scheme.length() - 4) : scheme;
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return of(transport, role, host, uri.getPort(), tls);
  }

  /** {@code transport://host:port}, for logs and messages. */
  public static String describe(Endpoint e) {
    String host = e.getHost().contains(":") ? "[" + e.getHost() + "]" : e.getHost();
    return e.getTransport() + (e.getTls() ? "+tls" : "") + "://" + host + ":" + e.getPort();
  }
}

package io.linkgate.transport.tunnel.internal.client;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Hello;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The URIs of a tunnel endpoint's requests. */
final class TunnelUris {
  private TunnelUris() {}

  /** {@code http(s)://host:port/path?} with the device's parameters to follow. */
  static Query of(Endpoint endpoint, String path, Hello hello) {
    String host = endpoint.getHost();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]"; // an IPv6 literal
    }
    String base =
        (endpoint.getTls() ? "https://" : "http://") + host + ":" + endpoint.getPort() + path;
    return new Query(base).add(TunnelProtocol.DEVICE_ID, hello.getDeviceId());
  }

  /** A query string being built; values are encoded, empty ones left out. */
  static final class Query {
    private final StringBuilder uri;
    private char separator = '?';

    private Query(String base) {
      this.uri = new StringBuilder(base);
    }

    Query add(String name, String value) {
      if (value != null && !value.isEmpty()) {
        uri.append(separator)
            .append(name)
            .append('=')
            .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        separator = '&';
      }
      return this;
    }

    Query add(String name, long value) {
      return value == 0 ? this : add(name, Long.toUnsignedString(value));
    }

    URI uri() {
      return URI.create(uri.toString());
    }
  }
}

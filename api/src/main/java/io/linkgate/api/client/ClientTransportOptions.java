package io.linkgate.api.client;

import io.linkgate.api.FrameCodec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings every client transport understands.
 *
 * @param maxFrameBytes largest frame accepted from the server
 * @param connectTimeout how long connecting plus the handshake may take
 * @param proxy an HTTP proxy, for transports that can use one
 * @param trustAllCertificates accept any server certificate (tests and development only)
 * @param options transport-specific settings, as strings
 */
public record ClientTransportOptions(
    int maxFrameBytes,
    Duration connectTimeout,
    Optional<InetSocketAddress> proxy,
    boolean trustAllCertificates,
    Map<String, String> options) {

  public ClientTransportOptions {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(proxy, "proxy");
    options = Map.copyOf(options);
  }

  public static ClientTransportOptions defaults() {
    return new ClientTransportOptions(
        FrameCodec.DEFAULT_MAX_FRAME_BYTES, Duration.ofSeconds(10), Optional.empty(), false, Map.of());
  }
}

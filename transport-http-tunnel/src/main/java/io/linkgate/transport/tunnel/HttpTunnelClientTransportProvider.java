package io.linkgate.transport.tunnel;

import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientTransportProvider;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import io.linkgate.transport.tunnel.internal.client.HttpTunnelClientTransport;

/**
 * The client side of the HTTP tunnel, named {@code http-tunnel}, on the JDK's {@code HttpClient}
 * over HTTP/1.1 (what proxies pass most reliably).
 *
 * <p>It goes through {@code ClientTransportOptions.proxy} when one is set, else through the JVM's
 * default {@link java.net.ProxySelector} ({@code http.proxyHost} and friends). Options ({@code
 * ClientTransportOptions.options}): {@code mode} ({@code auto}, the default: stream the downlink
 * and fall back to long-polling when the streamed Welcome does not arrive within the stall window,
 * as behind a buffering proxy; {@code stream}; {@code poll}), {@code poll-hold-ms} (longest hold
 * asked of the server; default 25000), {@code stall-ms} (how long a stream may stay silent before
 * it is given up; default 2.5 times the granted heartbeat, and half the connect timeout for the
 * first Welcome), {@code max-frames-per-request} (most frames batched into one POST; default 64),
 * {@code max-request-bytes} (most bytes batched into one POST, a larger frame going alone; default
 * 262144, the server's default; a POST the server still refuses as too large is split and sent
 * again), {@code trust-certificates} (a PEM file of certificates to trust instead of the JDK's).
 *
 * <p>Listener callbacks and the completion of open and call stages run on the HttpClient's threads;
 * never block there for long.
 */
public final class HttpTunnelClientTransportProvider implements ClientTransportProvider {
  public HttpTunnelClientTransportProvider() {}

  @Override
  public String name() {
    return TunnelProtocol.NAME;
  }

  /** True where the JDK's HTTP client is present (the {@code java.net.http} module). */
  @Override
  public boolean isAvailable() {
    try {
      Class.forName(
          "java.net.http.HttpClient",
          false,
          HttpTunnelClientTransportProvider.class.getClassLoader());
      return true;
    } catch (Throwable t) {
      return false;
    }
  }

  @Override
  public ClientTransport create(ClientTransportOptions options) {
    return new HttpTunnelClientTransport(options);
  }
}

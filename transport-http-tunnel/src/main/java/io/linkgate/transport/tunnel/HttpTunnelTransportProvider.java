package io.linkgate.transport.tunnel;

import com.google.inject.Module;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import io.linkgate.transport.tunnel.internal.server.TunnelModule;

/**
 * The server side of the HTTP tunnel, named {@code http-tunnel}: both roles over plain HTTP
 * requests on Jetty, for networks that let nothing else through. See the package documentation for
 * the endpoints.
 *
 * <p>Options ({@code TransportSettings.options}, all optional): {@code idle-timeout-ms} (a
 * connection without a request for this long is closed; uplink default: the uplink idle timeout of
 * the limits, downlink default 60000, and it must exceed the poll hold), {@code max-age-ms} (a
 * downlink stream ends after this long and the client resumes on a new one; default 300000), {@code
 * poll-hold-ms} (longest long-poll; default 25000), {@code max-request-bytes} (default 1048576),
 * {@code max-frames-per-request} (default 64), {@code h2c} (also speak HTTP/2 cleartext on the
 * plain ports; default false), {@code cors-origins} (comma-separated origins, or {@code *}, whose
 * pages may call the tunnel; default none), {@code threads} (most request threads; default 64),
 * {@code max-poll-sessions} (default 100000). TLS comes from the settings' PEM files.
 */
public final class HttpTunnelTransportProvider implements TransportProvider {
  public HttpTunnelTransportProvider() {}

  @Override
  public String name() {
    return TunnelProtocol.NAME;
  }

  /** True where Jetty's server classes load. */
  @Override
  public boolean isAvailable() {
    try {
      Class.forName(
          "org.eclipse.jetty.server.Server",
          false,
          HttpTunnelTransportProvider.class.getClassLoader());
      return true;
    } catch (Throwable t) {
      return false;
    }
  }

  @Override
  public Module module() {
    return new TunnelModule();
  }
}

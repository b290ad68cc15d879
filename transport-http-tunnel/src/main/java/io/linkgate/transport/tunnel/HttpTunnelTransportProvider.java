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
 * <p>Options ({@code TransportSettings.options}, all optional):
 *
 * <ul>
 *   <li>{@code idle-timeout-ms}: a connection without a request for this long is closed; uplink
 *       default: the uplink idle timeout of the limits, downlink default 60000, and it must exceed
 *       the poll hold. It also caps the heartbeat miss window of a poll session's expiry;
 *   <li>{@code max-age-ms}: a downlink stream ends after this long and the client resumes on a new
 *       one; default 300000;
 *   <li>{@code poll-hold-ms}: longest long-poll; default 25000;
 *   <li>{@code max-request-bytes}: largest request body; default 262144 (256 KiB);
 *   <li>{@code max-frames-per-request}: default 64;
 *   <li>{@code body-timeout-ms}: a request body must have arrived in full this long after it is
 *       first read, however slowly it trickles, else 408; default 10000;
 *   <li>{@code max-buffered-body-bytes}: most bytes of request bodies one server (each role has its
 *       own) holds at once over all requests; a body that would pass it is refused with 503;
 *       default 67108864 (64 MiB), at least {@code max-request-bytes};
 *   <li>{@code h2c}: also speak HTTP/2 cleartext on the plain ports; default false;
 *   <li>{@code cors-origins}: comma-separated origins, or {@code *}, whose pages may call the
 *       tunnel; default none;
 *   <li>{@code threads}: most request threads; default 64;
 *   <li>{@code max-poll-sessions}: most long-poll sessions open at once; default 100000;
 *   <li>{@code max-poll-sessions-per-user}: most long-poll sessions of one user (one per device);
 *       default 16.
 * </ul>
 *
 * TLS comes from the settings' PEM files. The first request head on a connection must be complete
 * within the handshake timeout of the limits, counted from the connection's open.
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

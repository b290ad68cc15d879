package io.linkgate.example.websocket;

import com.google.inject.Module;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.example.websocket.internal.WsModule;
import io.linkgate.example.websocket.internal.WsProtocol;

/**
 * The server side of the WebSocket transport, named {@code websocket}: both roles, one binary
 * WebSocket message per {@code Frame}, on Jetty 12's websocket core. See the package documentation
 * for the paths and the contract a browser client relies on.
 *
 * <p>Options ({@code TransportSettings.options}, all optional):
 *
 * <ul>
 *   <li>{@code allowed-origins}: comma-separated origins ({@code https://chat.example.com}), or
 *       {@code *}; when set, an upgrade whose {@code Origin} header names another origin is refused
 *       with 403. Requests without {@code Origin} (non-browser clients) are always let through.
 *       Default: any origin, which is safe here because the token travels in the {@code Hello},
 *       never in a cookie a foreign page could ride on;
 *   <li>{@code max-in-flight}: frames of one connection handed to the core and not yet answered
 *       before the connection stops reading; default 64;
 *   <li>{@code close-grace-ms}: how long a connection being closed may take to deliver its last
 *       frames and the WebSocket close handshake before it is cut; default 5000;
 *   <li>{@code threads}: most Jetty threads of one role's server; default 64.
 * </ul>
 *
 * TLS is not served by this example: put it behind a TLS-terminating proxy ({@code wss://}).
 */
public final class WebSocketTransportProvider implements TransportProvider {
  public WebSocketTransportProvider() {}

  @Override
  public String name() {
    return WsProtocol.NAME;
  }

  /** True where Jetty's websocket core server classes load. */
  @Override
  public boolean isAvailable() {
    return WsProtocol.loads("org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler");
  }

  @Override
  public Module module() {
    return new WsModule();
  }
}

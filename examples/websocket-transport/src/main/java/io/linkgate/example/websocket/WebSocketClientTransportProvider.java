package io.linkgate.example.websocket;

import io.linkgate.api.client.ClientTransport;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientTransportProvider;
import io.linkgate.example.websocket.internal.WsClientTransport;
import io.linkgate.example.websocket.internal.WsProtocol;

/**
 * The client side of the WebSocket transport, named {@code websocket}, on Jetty's websocket core
 * client. It connects to {@code ws://host:port/v1/ws/downlink} or {@code /v1/ws/uplink} and sends
 * the {@code Hello} as its first message, as a browser does.
 *
 * <p>Listener callbacks and the completion of open and call stages run on Jetty's client threads;
 * never block there for long.
 */
public final class WebSocketClientTransportProvider implements ClientTransportProvider {
  public WebSocketClientTransportProvider() {}

  @Override
  public String name() {
    return WsProtocol.NAME;
  }

  /** True where Jetty's websocket core client classes load. */
  @Override
  public boolean isAvailable() {
    return WsProtocol.loads("org.eclipse.jetty.websocket.core.client.WebSocketCoreClient");
  }

  @Override
  public ClientTransport create(ClientTransportOptions options) {
    return new WsClientTransport(options);
  }
}

/**
 * The WebSocket transport's implementation; nothing here is API.
 *
 * <p>Starting points: {@link io.linkgate.example.websocket.internal.WsServer} (one Jetty server per
 * role: listeners, lifecycle), {@link io.linkgate.example.websocket.internal.Negotiator} (each
 * upgrade: origin, subprotocol, the role's connection), {@link
 * io.linkgate.example.websocket.internal.ServerConnection} (the handshake state machine both roles
 * share) with {@link io.linkgate.example.websocket.internal.DownlinkConnection} and {@link
 * io.linkgate.example.websocket.internal.UplinkConnection}, {@link
 * io.linkgate.example.websocket.internal.WsDownlinkChannel} (the bounded push path), and {@link
 * io.linkgate.example.websocket.internal.WsClientTransport} for the client side. {@link
 * io.linkgate.example.websocket.internal.WsProtocol} holds what both sides agree on.
 */
package io.linkgate.example.websocket.internal;

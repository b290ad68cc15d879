/**
 * A Linkgate transport plugin written as a third party would: Linkgate frames in WebSocket
 * messages, on Jetty 12's websocket core, using nothing of Linkgate but {@code linkgate-api}.
 *
 * <p>Starting points: {@link io.linkgate.example.websocket.WebSocketTransportProvider} (server,
 * found through {@code ServiceLoader} as {@code websocket}) and {@link
 * io.linkgate.example.websocket.WebSocketClientTransportProvider} (client). Everything else lives in
 * the {@code internal} package.
 *
 * <h2>The contract (what a browser client needs)</h2>
 *
 * <ul>
 *   <li>Paths: {@code ws://host:port/v1/ws/downlink} on a downlink port, {@code
 *       ws://host:port/v1/ws/uplink} on an uplink port. Any other path is a 404.
 *   <li>Messages are binary. Each WebSocket message is exactly one protobuf {@code linkgate.v1.Frame},
 *       with no length prefix: the message boundary already delimits it. A text message is answered
 *       with {@code Error BAD_FRAME} and the close. The empty message is the empty frame (the uplink's
 *       acknowledgement of {@code PushAck}, {@code Subscribe}, {@code Unsubscribe}).
 *   <li>The first message a client sends is its {@code Hello}, with the token in {@code
 *       Hello.token} (a browser cannot set headers on a WebSocket). An {@code Authorization: Bearer}
 *       header on the upgrade is used when the Hello carries no token.
 *   <li>Then as on TCP: downlink: {@code Welcome}, replayed and live pushes; the client sends {@code
 *       Ping} at the granted heartbeat and {@code PushAck}/{@code Subscribe}/{@code Unsubscribe};
 *       uplink: every frame answered in order.
 *   <li>Refusals are an {@code Error} message followed by the WebSocket close (1008 for auth, 1009
 *       for a message over the frame limit, 1007 for an undecodable one, 1013 for a slow consumer,
 *       1001 after a {@code GoAway}).
 *   <li>The optional subprotocol {@code linkgate.v1} is accepted when offered.
 * </ul>
 */
package io.linkgate.example.websocket;

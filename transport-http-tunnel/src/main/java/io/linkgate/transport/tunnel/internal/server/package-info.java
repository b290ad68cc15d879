/**
 * The tunnel's server: a Jetty 12 server per role ({@code TunnelServer}) with core handlers only.
 *
 * <p>Per request: {@code CorsHandler} (when origins are configured), then {@code RoutingHandler},
 * which hands it to {@code UplinkHandler}, {@code StreamHandler}, {@code PollHandler} or {@code
 * SessionRequestsHandler}. A streamed downlink is a {@code StreamingDownlinkChannel} (the bounded
 * queue written with Jetty's write callbacks) timed by a {@code StreamClock}; a long-polled one is
 * a {@code PollQueue} behind a {@code PollDownlink}. Open sessions are found by id in {@code
 * DownlinkSessions}, which also counts poll sessions (per device, per user, per server). Errors are
 * answered by {@code ErrorResponses} (ours) and {@code FrameErrorHandler} (Jetty's), always as an
 * {@code Error} frame.
 *
 * <p>Time and memory bounds on what clients send: {@code HandshakeConnectionFactory} (a fixed
 * deadline for the first request head), {@code RequestBody} (size, frame count, a fixed deadline
 * for the whole body, and the server-wide {@code BodyBudget} of body bytes held). A body refused as
 * too large is answered at once, then read and dropped (bounded) by {@code BodyDrain} before the
 * connection closes, so that its sender gets to read the 413.
 */
package io.linkgate.transport.tunnel.internal.server;

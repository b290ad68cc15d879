/**
 * The tunnel's server: a Jetty 12 server per role ({@code TunnelServer}) with core handlers only.
 *
 * <p>Per request: {@code CorsHandler} (when origins are configured), then {@code RoutingHandler},
 * which hands it to {@code UplinkHandler}, {@code StreamHandler}, {@code PollHandler} or {@code
 * SessionRequestsHandler}. A streamed downlink is a {@code StreamingDownlinkChannel} (the bounded
 * queue written with Jetty's write callbacks) timed by a {@code StreamClock}; a long-polled one is
 * a {@code PollQueue} behind a {@code PollDownlink}. Open sessions are found by id in {@code
 * DownlinkSessions}. Errors are answered by {@code ErrorResponses} (ours) and {@code
 * FrameErrorHandler} (Jetty's), always as an {@code Error} frame.
 */
package io.linkgate.transport.tunnel.internal.server;

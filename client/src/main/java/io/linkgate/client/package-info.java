/**
 * The Linkgate Java client.
 *
 * <p>Starting points:
 *
 * <ul>
 *   <li>{@link io.linkgate.client.LinkgateClient}: build one, {@code connect()} the downlink, {@code
 *       send(...)} over the uplink.
 *   <li>{@link io.linkgate.client.PushListener}: where pushes arrive, in order and exactly once.
 *   <li>{@link io.linkgate.client.Cursor}: the position to persist so a restarted app resumes.
 *   <li>{@link io.linkgate.client.Endpoints}: building and parsing endpoints ({@code tcp://host:port}).
 *   <li>{@link io.linkgate.client.ConnectionEvent}: what a {@link
 *       io.linkgate.client.ConnectionStateListener} hears: the state, the endpoint and transport,
 *       the attempt number, why attempts failed, and the heartbeat interval.
 * </ul>
 *
 * <p>Connecting fast: the client races its connection attempts over the candidate endpoints
 * (staggered, RFC 8305 style) and keeps the first to complete the handshake; it remembers the
 * winner per network; with {@code dispatch(...)} it asks a dispatch endpoint for endpoints ranked
 * by load and reports back how each attempt went.
 *
 * <p>Staying connected: with {@code adaptiveHeartbeat(min, max)} the client learns, per network,
 * the longest heartbeat interval a NAT or carrier firewall lets an idle downlink live, always
 * within the node's bounds, so it pings no more often than it must.
 *
 * <p>Transports are plugins: put a transport's artifact on the class path (for example {@code
 * io.linkgate:linkgate-transport-tcp}) and name it in the endpoints.
 */
package io.linkgate.client;

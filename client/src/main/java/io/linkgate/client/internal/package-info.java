/**
 * The client's internals; not an API. {@link io.linkgate.client.internal.DownlinkManager} and
 * {@link io.linkgate.client.internal.UplinkManager} run each channel's lifecycle on the scheduler
 * thread; {@link io.linkgate.client.internal.Candidates} orders the endpoints to try (GoAway
 * redirect, last winner on this network, then dispatch's ranked list or the configured endpoints
 * in transport order); {@link io.linkgate.client.internal.Connector} opens one connection out of
 * them ({@link io.linkgate.client.internal.RacingConnector}, one {@link
 * io.linkgate.client.internal.Race} per call); {@link io.linkgate.client.internal.DispatchClient}
 * supplies the ranked lists and reports the {@link io.linkgate.client.internal.OutcomeLog}.
 * {@link io.linkgate.client.internal.DownlinkHeartbeat} pings the downlink and feeds the per-network
 * {@link io.linkgate.client.internal.HeartbeatLearner}.
 */
package io.linkgate.client.internal;

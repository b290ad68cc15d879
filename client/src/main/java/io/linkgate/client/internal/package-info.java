/**
 * The client's internals; not an API. {@link io.linkgate.client.internal.DownlinkManager} and
 * {@link io.linkgate.client.internal.UplinkManager} run each channel's lifecycle on the scheduler
 * thread; {@link io.linkgate.client.internal.Connector} is the seam where endpoint racing, transport
 * fallback and dispatch plug in.
 */
package io.linkgate.client.internal;

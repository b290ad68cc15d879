/**
 * The server-side transport SPI.
 *
 * <p>A transport plugs in with a {@link io.linkgate.api.transport.TransportProvider} listed in
 * {@code META-INF/services}; its Guice module registers a {@link
 * io.linkgate.api.transport.DownlinkTransport.Factory} and/or an {@link
 * io.linkgate.api.transport.UplinkTransport.Factory} under its name through {@link
 * io.linkgate.api.transport.TransportBindings}. The assembly creates transports from the
 * configuration and hands each the {@link io.linkgate.api.transport.SessionHandler} (the router).
 *
 * <p>Flow on a downlink: the transport reads {@code Hello}, grants a heartbeat, calls {@link
 * io.linkgate.api.transport.SessionHandler#openDownlink}; the handler writes {@code Welcome} and any
 * replayed pushes into the {@link io.linkgate.api.transport.DownlinkChannel} and from then on pushes
 * into it; the transport forwards the client's frames to the {@link
 * io.linkgate.api.transport.DownlinkSession}. On an uplink the transport calls {@link
 * io.linkgate.api.transport.SessionHandler#openUplink}, writes the session's {@code Welcome}, and
 * answers each frame with what {@link io.linkgate.api.transport.UplinkSession#handle} returns, in
 * order.
 *
 * <p>Everything is asynchronous: no method here may block a transport's event loop.
 */
package io.linkgate.api.transport;

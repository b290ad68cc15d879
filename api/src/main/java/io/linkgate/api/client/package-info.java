/**
 * The client-side transport SPI: how the client SDK opens downlinks and uplinks over a transport.
 * A transport's client side is a {@link io.linkgate.api.client.ClientTransportProvider} listed in
 * {@code META-INF/services}; the SDK finds it by the name in an {@link
 * io.linkgate.api.proto.Endpoint}. Connection racing, fallback and reconnects live in the SDK, not
 * here.
 */
package io.linkgate.api.client;

/**
 * Linkgate's TCP transport: length-prefixed frames over Netty, server and client side.
 *
 * <p>Starting points: {@link io.linkgate.transport.tcp.TcpTransportProvider} (server, found through
 * {@code ServiceLoader} as {@code tcp}) and {@link
 * io.linkgate.transport.tcp.TcpClientTransportProvider} (client). Everything else lives in the
 * {@code internal} package.
 */
package io.linkgate.transport.tcp;

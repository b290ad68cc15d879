/**
 * The TCP transport's implementation; nothing here is API.
 *
 * <p>Server: {@link io.linkgate.transport.tcp.internal.TcpDownlinkTransport} and {@link
 * io.linkgate.transport.tcp.internal.TcpUplinkTransport} share {@code TcpServerTransport} (group,
 * ports, pipeline); per connection a {@code DownlinkHandler} or {@code UplinkHandler} on top of
 * {@code ServerConnectionHandler} (handshake state machine), with {@code NettyDownlinkChannel} as
 * the bounded push queue. Client: {@code TcpClientTransport} with {@code ClientDownlinkConnection}
 * and {@code ClientUplinkConnection}. Both sides frame with {@link
 * io.linkgate.transport.tcp.internal.FrameDecoder}.
 */
package io.linkgate.transport.tcp.internal;

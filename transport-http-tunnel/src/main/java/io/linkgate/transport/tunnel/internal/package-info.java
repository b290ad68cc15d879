/**
 * The HTTP tunnel's implementation; nothing here is API.
 *
 * <p>Shared by both sides: {@link io.linkgate.transport.tunnel.internal.TunnelProtocol} (paths,
 * parameters, headers), {@link io.linkgate.transport.tunnel.internal.FrameSplitter} (bounded
 * splitting of bodies into frames), {@link io.linkgate.transport.tunnel.internal.ErrorStatus}
 * (error codes and HTTP statuses). The server lives in {@code internal.server}, the client in
 * {@code internal.client}.
 */
package io.linkgate.transport.tunnel.internal;

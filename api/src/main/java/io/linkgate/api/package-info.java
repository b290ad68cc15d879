/**
 * Linkgate's public API: the wire protocol and what plugs into a gateway.
 *
 * <p>Starting points:
 *
 * <ul>
 *   <li>{@link io.linkgate.api.proto.Frame}: the one message type every transport carries (generated
 *       from {@code linkgate/v1/linkgate.proto}).
 *   <li>{@link io.linkgate.api.FrameCodec}: the length-prefixed byte form of frames.
 *   <li>{@link io.linkgate.api.transport.TransportProvider}: how a server-side transport plugs in.
 *   <li>{@link io.linkgate.api.client.ClientTransportProvider}: how a client-side transport plugs in.
 *   <li>{@link io.linkgate.api.auth.Authenticator}: how tokens become user ids.
 * </ul>
 */
package io.linkgate.api;

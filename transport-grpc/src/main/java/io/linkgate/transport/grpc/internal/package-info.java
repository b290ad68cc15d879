/**
 * The gRPC transport's implementation; not an API.
 *
 * <p>Server: {@link io.linkgate.transport.grpc.internal.DownlinkCall} and {@link
 * io.linkgate.transport.grpc.internal.UplinkCall} are the per-call state machines, {@link
 * io.linkgate.transport.grpc.internal.CallDownlinkChannel} the bounded, flow-controlled push side,
 * {@link io.linkgate.transport.grpc.internal.GrpcErrors} the mapping between errors and statuses.
 * Client: {@link io.linkgate.transport.grpc.internal.GrpcClientTransport}.
 */
package io.linkgate.transport.grpc.internal;

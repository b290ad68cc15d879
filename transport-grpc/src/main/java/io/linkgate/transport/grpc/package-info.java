/**
 * Linkgate's gRPC transport: the {@code linkgate.v1.Gateway} service ({@code gateway.proto}),
 * server and client side.
 *
 * <p>Starting points: {@link io.linkgate.transport.grpc.GrpcTransportProvider} (server, found
 * through {@code ServiceLoader} as {@code grpc}) and {@link
 * io.linkgate.transport.grpc.GrpcClientTransportProvider} (client). Everything else lives in the
 * {@code internal} package; the generated stubs, for clients in any language, in {@code proto}.
 */
package io.linkgate.transport.grpc;

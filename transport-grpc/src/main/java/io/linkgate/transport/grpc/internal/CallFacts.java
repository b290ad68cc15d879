package io.linkgate.transport.grpc.internal;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.ServerCall;
import io.grpc.ServerTransportFilter;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** What a server call tells of its connection, for {@code ConnectionInfo} and logs. */
final class CallFacts {
  private CallFacts() {}

  /** The connection's remote address as text, set once per connection by {@link #DESCRIBE}. */
  private static final Attributes.Key<String> REMOTE = Attributes.Key.create("linkgate-remote");

  /**
   * Adds the remote address, as text, to each connection's attributes when it is ready: a unary
   * uplink call per frame would otherwise format it on every call (1.3% of the uplink loop).
   */
  static final ServerTransportFilter DESCRIBE =
      new ServerTransportFilter() {
        @Override
        public Attributes transportReady(Attributes attributes) {
          return attributes.toBuilder()
              .set(REMOTE, describe(attributes.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)))
              .build();
        }
      };

  static String remoteAddress(ServerCall<?, ?> call) {
    Attributes attributes = call.getAttributes();
    String known = attributes.get(REMOTE);
    return known != null ? known : describe(attributes.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
  }

  static boolean isTls(ServerCall<?, ?> call) {
    return call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION) != null;
  }

  private static String describe(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      return inet.getHostString() + ":" + inet.getPort();
    }
    return String.valueOf(address);
  }
}

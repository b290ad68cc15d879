package io.linkgate.transport.grpc.internal;

import io.grpc.Grpc;
import io.grpc.ServerCall;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** What a server call tells of its connection, for {@code ConnectionInfo} and logs. */
final class CallFacts {
  private CallFacts() {}

  static String remoteAddress(ServerCall<?, ?> call) {
    SocketAddress address = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (address instanceof InetSocketAddress inet) {
      return inet.getHostString() + ":" + inet.getPort();
    }
    return String.valueOf(address);
  }

  static boolean isTls(ServerCall<?, ?> call) {
    return call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION) != null;
  }
}

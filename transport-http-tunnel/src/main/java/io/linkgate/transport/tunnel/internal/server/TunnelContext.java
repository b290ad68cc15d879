package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.Limits;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportEvents;
import io.linkgate.transport.tunnel.internal.TunnelProtocol;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.Executor;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * What the endpoint handlers of one running server share.
 *
 * @param core the router
 * @param events where this transport reports what it sees, for metrics
 * @param limits frame, queue and timer bounds
 * @param settings the tunnel's own options
 * @param scheduler timers (heartbeats, holds, deadlines)
 * @param executor the server's threads, for work that must not run inside a caller's lock
 * @param sessions the open downlink sessions of this server
 * @param deadline the handshake timeout applied to the core's open stages
 * @param bodyBudget the bytes of request bodies this server may hold at once
 */
record TunnelContext(
    SessionHandler core,
    TransportEvents events,
    Limits limits,
    ServerSettings settings,
    Scheduler scheduler,
    Executor executor,
    DownlinkSessions sessions,
    HandshakeDeadline deadline,
    BodyBudget bodyBudget) {

  /** The connection attribute holding its remote address as text. */
  private static final String REMOTE = TunnelContext.class.getName() + ".remote";

  ConnectionInfo connectionInfo(Request request, Role role, int heartbeatMs) {
    return new ConnectionInfo(
        TunnelProtocol.NAME, role, remote(request.getConnectionMetaData()), request.isSecure(), heartbeatMs);
  }

  /**
   * The peer of {@code connection} as text, made once per connection: a keep-alive uplink
   * connection carries many POSTs, and formatting the address took 2% of each one's handling.
   */
  private static String remote(ConnectionMetaData connection) {
    if (connection.getAttribute(REMOTE) instanceof String known) {
      return known;
    }
    String described = describe(connection.getRemoteSocketAddress());
    connection.setAttribute(REMOTE, described);
    return described;
  }

  private static String describe(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      return inet.getHostString() + ":" + inet.getPort();
    }
    return String.valueOf(address);
  }
}

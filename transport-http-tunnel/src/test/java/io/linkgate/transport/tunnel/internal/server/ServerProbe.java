package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.transport.Transport;

/** What tests may read of a running tunnel server's insides: counters, never behaviour. */
public final class ServerProbe {
  private ServerProbe() {}

  /** Bytes of request bodies the server holds now (its body budget in use). */
  public static long bufferedBodyBytes(Transport server) {
    return ((TunnelServer) server).bodyBudget().used();
  }

  /** Selector threads of each of the server's ports. */
  public static java.util.List<Integer> selectorCounts(Transport server) {
    return ((TunnelServer) server).selectorCounts();
  }

  /** Poll slots taken now: poll sessions open or opening. */
  public static int pollSessions(Transport server) {
    return ((TunnelServer) server).sessions().pollCount();
  }
}

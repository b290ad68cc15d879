package io.linkgate.server;

import java.util.List;

/**
 * Which transports listen where, per role. An absent role gets the default: every transport this
 * distribution ships, each on its own port (downlink: TCP 7100, HTTP tunnel 8080, gRPC 7300;
 * uplink: TCP 7200, HTTP tunnel 8081, gRPC 7301), so a node on defaults is reachable through an
 * HTTP-only proxy and from generated gRPC stubs as well as over TCP. An explicitly empty list
 * serves no connections of that role.
 *
 * @param downlink the long-lived push connections
 * @param uplink the short send connections
 */
public record TransportsConfig(List<ListenerConfig> downlink, List<ListenerConfig> uplink) {
  public static final int DEFAULT_DOWNLINK_PORT = 7100;
  public static final int DEFAULT_UPLINK_PORT = 7200;
  public static final int DEFAULT_TUNNEL_DOWNLINK_PORT = 8080;
  public static final int DEFAULT_TUNNEL_UPLINK_PORT = 8081;
  public static final int DEFAULT_GRPC_DOWNLINK_PORT = 7300;
  public static final int DEFAULT_GRPC_UPLINK_PORT = 7301;

  public TransportsConfig {
    downlink =
        downlink == null
            ? List.of(
                ListenerConfig.tcp(DEFAULT_DOWNLINK_PORT),
                ListenerConfig.plain("http-tunnel", DEFAULT_TUNNEL_DOWNLINK_PORT),
                ListenerConfig.plain("grpc", DEFAULT_GRPC_DOWNLINK_PORT))
            : List.copyOf(downlink);
    uplink =
        uplink == null
            ? List.of(
                ListenerConfig.tcp(DEFAULT_UPLINK_PORT),
                ListenerConfig.plain("http-tunnel", DEFAULT_TUNNEL_UPLINK_PORT),
                ListenerConfig.plain("grpc", DEFAULT_GRPC_UPLINK_PORT))
            : List.copyOf(uplink);
  }

  public static TransportsConfig defaults() {
    return new TransportsConfig(null, null);
  }

  /** TCP for both roles on the given ports (0 picks free ones). */
  public static TransportsConfig tcp(int downlinkPort, int uplinkPort) {
    return of("tcp", downlinkPort, uplinkPort);
  }

  /** One transport for both roles on the given ports (0 picks free ones). */
  public static TransportsConfig of(String transport, int downlinkPort, int uplinkPort) {
    return new TransportsConfig(
        List.of(ListenerConfig.plain(transport, downlinkPort)),
        List.of(ListenerConfig.plain(transport, uplinkPort)));
  }
}

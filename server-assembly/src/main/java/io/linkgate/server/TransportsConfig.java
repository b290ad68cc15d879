package io.linkgate.server;

import java.util.List;

/**
 * Which transports listen where, per role. An absent role gets the default: TCP on 7100 for the
 * downlink, TCP on 7200 for the uplink. An explicitly empty list serves no connections of that role.
 *
 * @param downlink the long-lived push connections
 * @param uplink the short send connections
 */
public record TransportsConfig(List<ListenerConfig> downlink, List<ListenerConfig> uplink) {
  public static final int DEFAULT_DOWNLINK_PORT = 7100;
  public static final int DEFAULT_UPLINK_PORT = 7200;

  public TransportsConfig {
    downlink = downlink == null ? List.of(ListenerConfig.tcp(DEFAULT_DOWNLINK_PORT)) : List.copyOf(downlink);
    uplink = uplink == null ? List.of(ListenerConfig.tcp(DEFAULT_UPLINK_PORT)) : List.copyOf(uplink);
  }

  public static TransportsConfig defaults() {
    return new TransportsConfig(null, null);
  }

  /** TCP for both roles on the given ports (0 picks free ones). */
  public static TransportsConfig tcp(int downlinkPort, int uplinkPort) {
    return new TransportsConfig(
        List.of(ListenerConfig.tcp(downlinkPort)), List.of(ListenerConfig.tcp(uplinkPort)));
  }
}

package io.linkgate.transport.tcp.internal;

import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.Limits;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Transports on 127.0.0.1 and a free port, one thread each and a short close grace. */
final class Servers {
  private Servers() {}

  static final Map<String, String> OPTIONS = Map.of("threads", "1", "closeGraceMs", "500");

  /** Defaults, except that heartbeats may go down to 100 ms and the miss factor is 2. */
  static Limits limits() {
    return new Limits(
        64 * 1024,
        256 * 1024,
        Duration.ofSeconds(5),
        100,
        300_000,
        30_000,
        2.0,
        Duration.ofMinutes(3));
  }

  static TransportSettings settings(Role role, Limits limits) {
    return new TransportSettings(
        "test-node", role, "127.0.0.1", List.of(0), Optional.empty(), limits, OPTIONS);
  }

  static TcpDownlinkTransport downlink(SessionHandler core, Limits limits) throws IOException {
    return started(new TcpDownlinkTransport(settings(Role.DOWNLINK, limits), core));
  }

  static TcpUplinkTransport uplink(SessionHandler core, Limits limits) throws IOException {
    return started(new TcpUplinkTransport(settings(Role.UPLINK, limits), core));
  }

  static <T extends TcpServerTransport> T started(T transport) throws IOException {
    transport.start();
    return transport;
  }

  static int port(TcpServerTransport transport) {
    return transport.endpoints().get(0).getPort();
  }
}

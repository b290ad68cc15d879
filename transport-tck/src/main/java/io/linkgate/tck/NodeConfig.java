package io.linkgate.tck;

import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.Limits;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * How the kit starts a node: the limits both transports run with, the router's inbox bound, how
 * many ports each role listens on (all port 0), the transport-specific options per role, and the
 * router's per-user send rate (0: none, as on the shared node).
 */
record NodeConfig(
    String nodeId,
    Limits limits,
    int inboxCapacity,
    int portsPerRole,
    Function<Role, Map<String, String>> options,
    double sendsPerSecond,
    int sendBurst) {

  NodeConfig(
      String nodeId,
      Limits limits,
      int inboxCapacity,
      int portsPerRole,
      Function<Role, Map<String, String>> options) {
    this(nodeId, limits, inboxCapacity, portsPerRole, options, 0, 0);
  }

  /**
   * Limits tightened so the timers fire in test time: a small outbound queue, a 1 s handshake
   * timeout, heartbeat bounds 200 ms .. 20 s (default 10 s, so a connection that does not ping
   * outlives any one test), and a long uplink idle timeout so no test's uplink closes under it.
   */
  static Limits testLimits() {
    return new Limits(
        64 * 1024, // maxFrameBytes: the protocol's default
        64 * 1024, // outboundQueueBytes
        Duration.ofSeconds(1), // handshakeTimeout
        200, // minHeartbeatMs
        20_000, // maxHeartbeatMs
        10_000, // defaultHeartbeatMs
        2.5, // heartbeatMissFactor
        Duration.ofSeconds(60)); // uplinkIdleTimeout
  }

  /** An inbox small enough that a test can overflow it quickly. */
  static final int TEST_INBOX_CAPACITY = 64;

  NodeConfig withLimits(Limits newLimits) {
    return new NodeConfig(nodeId, newLimits, inboxCapacity, portsPerRole, options, sendsPerSecond, sendBurst);
  }

  NodeConfig withNodeId(String newNodeId) {
    return new NodeConfig(newNodeId, limits, inboxCapacity, portsPerRole, options, sendsPerSecond, sendBurst);
  }

  NodeConfig withPortsPerRole(int ports) {
    return new NodeConfig(nodeId, limits, inboxCapacity, ports, options, sendsPerSecond, sendBurst);
  }

  NodeConfig withSendRate(double perSecond, int burst) {
    return new NodeConfig(nodeId, limits, inboxCapacity, portsPerRole, options, perSecond, burst);
  }

  static Limits withUplinkIdleTimeout(Limits l, Duration idle) {
    return new Limits(
        l.maxFrameBytes(),
        l.outboundQueueBytes(),
        l.handshakeTimeout(),
        l.minHeartbeatMs(),
        l.maxHeartbeatMs(),
        l.defaultHeartbeatMs(),
        l.heartbeatMissFactor(),
        idle);
  }
}

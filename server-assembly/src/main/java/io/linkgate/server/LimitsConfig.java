package io.linkgate.server;

import io.linkgate.api.transport.Limits;
import java.time.Duration;

/**
 * Bounds every transport enforces; {@link #toLimits()} is what transports receive.
 *
 * @param maxFrameBytes largest frame accepted or sent; default 65536
 * @param outboundQueueBytes bytes queued for one client before it is dropped as too slow; default
 *     262144, never below {@code maxFrameBytes}
 * @param handshakeTimeout time a new connection has to send a valid Hello; default 10s
 * @param heartbeat downlink heartbeat bounds
 * @param uplinkIdleTimeout an uplink with no frame for this long is closed; default 3m
 * @param sendsPerSecond sends one user may make per second on this node, past its burst; default
 *     200, 0 for no limit (a send past it is answered {@code Error RATE_LIMITED} with {@code
 *     retry_after_ms})
 * @param sendBurst sends one user may make at once; default twice the rate
 * @param sessionsPerAddress sessions (downlinks and uplinks) one remote address may hold at once on
 *     this node; default 10,000, 0 for no limit (many users may share a carrier's NAT address)
 * @param handshakesPerSecondPerAddress handshakes one remote address may start per second, in
 *     bursts of twice that; default 500, 0 for no limit
 * @param pendingHandshakesPerAddress ({@code pending-handshakes-per-address}) connections one
 *     remote address may hold open on one transport's listeners (a role) before they are past the
 *     handshake (a TCP connection until its session opens, a tunnel connection until its first
 *     request head is in, a gRPC connection until its first call starts); the next is closed as it
 *     is accepted, with a log line at most every 10 s. Bounds what a client opening thousands of
 *     sockets and never sending Hello holds, each for at most {@code handshake-timeout}; default
 *     256, 0 for no limit (honest clients behind one NAT address rarely have that many handshakes
 *     in flight at once)
 */
public record LimitsConfig(
    Integer maxFrameBytes,
    Integer outboundQueueBytes,
    Duration handshakeTimeout,
    HeartbeatConfig heartbeat,
    Duration uplinkIdleTimeout,
    Double sendsPerSecond,
    Integer sendBurst,
    Integer sessionsPerAddress,
    Double handshakesPerSecondPerAddress,
    Integer pendingHandshakesPerAddress) {
  public static final double DEFAULT_SENDS_PER_SECOND = 200;
  public static final int DEFAULT_SESSIONS_PER_ADDRESS = 10_000;
  public static final double DEFAULT_HANDSHAKES_PER_SECOND_PER_ADDRESS = 500;
  public static final int DEFAULT_PENDING_HANDSHAKES_PER_ADDRESS = 256;

  public LimitsConfig {
    Limits d = Limits.defaults();
    maxFrameBytes = maxFrameBytes == null ? d.maxFrameBytes() : maxFrameBytes;
    outboundQueueBytes = outboundQueueBytes == null ? d.outboundQueueBytes() : outboundQueueBytes;
    handshakeTimeout = handshakeTimeout == null ? d.handshakeTimeout() : handshakeTimeout;
    heartbeat = heartbeat == null ? HeartbeatConfig.defaults() : heartbeat;
    uplinkIdleTimeout = uplinkIdleTimeout == null ? d.uplinkIdleTimeout() : uplinkIdleTimeout;
    if (maxFrameBytes <= 0) {
      throw new ConfigException("max-frame-bytes must be positive, got " + maxFrameBytes);
    }
    if (outboundQueueBytes < maxFrameBytes) {
      throw new ConfigException(
          "outbound-queue-bytes (" + outboundQueueBytes + ") must be at least max-frame-bytes ("
              + maxFrameBytes + "), or no full-size frame could ever be queued");
    }
    requirePositive(handshakeTimeout, "handshake-timeout");
    requirePositive(uplinkIdleTimeout, "uplink-idle-timeout");
    sendsPerSecond = sendsPerSecond == null ? DEFAULT_SENDS_PER_SECOND : sendsPerSecond;
    if (!(sendsPerSecond >= 0)) {
      throw new ConfigException("sends-per-second must be 0 (no limit) or positive, got " + sendsPerSecond);
    }
    sendBurst = sendBurst == null ? (int) Math.max(1, Math.ceil(sendsPerSecond * 2)) : sendBurst;
    if (sendBurst < 1) {
      throw new ConfigException("send-burst must be positive, got " + sendBurst);
    }
    sessionsPerAddress = sessionsPerAddress == null ? DEFAULT_SESSIONS_PER_ADDRESS : sessionsPerAddress;
    if (sessionsPerAddress < 0) {
      throw new ConfigException("sessions-per-address must be 0 (no limit) or positive, got " + sessionsPerAddress);
    }
    handshakesPerSecondPerAddress =
        handshakesPerSecondPerAddress == null ? DEFAULT_HANDSHAKES_PER_SECOND_PER_ADDRESS : handshakesPerSecondPerAddress;
    if (!(handshakesPerSecondPerAddress >= 0)) {
      throw new ConfigException(
          "handshakes-per-second-per-address must be 0 (no limit) or positive, got " + handshakesPerSecondPerAddress);
    }
    pendingHandshakesPerAddress =
        pendingHandshakesPerAddress == null ? DEFAULT_PENDING_HANDSHAKES_PER_ADDRESS : pendingHandshakesPerAddress;
    if (pendingHandshakesPerAddress < 0) {
      throw new ConfigException(
          "pending-handshakes-per-address must be 0 (no limit) or positive, got " + pendingHandshakesPerAddress);
    }
  }

  public LimitsConfig withSendRate(double perSecond, int burst) {
    return new LimitsConfig(maxFrameBytes, outboundQueueBytes, handshakeTimeout, heartbeat, uplinkIdleTimeout,
        perSecond, burst, sessionsPerAddress, handshakesPerSecondPerAddress, pendingHandshakesPerAddress);
  }

  public LimitsConfig withAddressLimits(int sessions, double handshakesPerSecond) {
    return new LimitsConfig(maxFrameBytes, outboundQueueBytes, handshakeTimeout, heartbeat, uplinkIdleTimeout,
        sendsPerSecond, sendBurst, sessions, handshakesPerSecond, pendingHandshakesPerAddress);
  }

  public LimitsConfig withPendingHandshakesPerAddress(int max) {
    return new LimitsConfig(maxFrameBytes, outboundQueueBytes, handshakeTimeout, heartbeat, uplinkIdleTimeout,
        sendsPerSecond, sendBurst, sessionsPerAddress, handshakesPerSecondPerAddress, max);
  }

  /** Without a send rate of its own: the default one. */
  public LimitsConfig(
      Integer maxFrameBytes, Integer outboundQueueBytes, Duration handshakeTimeout, HeartbeatConfig heartbeat,
      Duration uplinkIdleTimeout) {
    this(maxFrameBytes, outboundQueueBytes, handshakeTimeout, heartbeat, uplinkIdleTimeout, null, null, null, null, null);
  }

  public static LimitsConfig defaults() {
    return new LimitsConfig(null, null, null, null, null, null, null, null, null, null);
  }

  /** The transports' view of these bounds. */
  public Limits toLimits() {
    return new Limits(
        maxFrameBytes,
        outboundQueueBytes,
        handshakeTimeout,
        heartbeat.minMs(),
        heartbeat.maxMs(),
        heartbeat.defaultMs(),
        heartbeat.missFactor(),
        uplinkIdleTimeout,
        pendingHandshakesPerAddress);
  }

  static void requirePositive(Duration d, String key) {
    if (d.isNegative() || d.isZero()) {
      throw new ConfigException(key + " must be positive, got " + d);
    }
  }
}

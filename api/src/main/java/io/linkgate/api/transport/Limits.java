package io.linkgate.api.transport;

import io.linkgate.api.FrameCodec;
import java.time.Duration;

/**
 * The bounds every transport enforces the same way.
 *
 * @param maxFrameBytes largest frame body accepted or sent
 * @param outboundQueueBytes most bytes queued for one client before it is dropped as too slow
 * @param handshakeTimeout how long a new connection may take to send a valid {@code Hello}
 * @param minHeartbeatMs lowest heartbeat interval granted
 * @param maxHeartbeatMs highest heartbeat interval granted
 * @param defaultHeartbeatMs granted when the client proposes none
 * @param heartbeatMissFactor a downlink silent for this many intervals is closed
 * @param uplinkIdleTimeout an uplink with no frame for this long is closed
 * @param pendingHandshakesPerAddress connections one remote address may hold open on one listener
 *     group (a transport's role) before they are past the handshake; one more is closed as it is
 *     accepted (see {@link PendingHandshakes}). 0 for no limit, the default here: the server sets
 *     one from {@code limits.pending-handshakes-per-address}
 */
public record Limits(
    int maxFrameBytes,
    int outboundQueueBytes,
    Duration handshakeTimeout,
    int minHeartbeatMs,
    int maxHeartbeatMs,
    int defaultHeartbeatMs,
    double heartbeatMissFactor,
    Duration uplinkIdleTimeout,
    int pendingHandshakesPerAddress) {

  public Limits {
    if (maxFrameBytes <= 0 || outboundQueueBytes <= 0) {
      throw new IllegalArgumentException("frame and queue limits must be positive");
    }
    if (minHeartbeatMs <= 0 || minHeartbeatMs > maxHeartbeatMs) {
      throw new IllegalArgumentException(
          "heartbeat bounds must satisfy 0 < min <= max, got " + minHeartbeatMs + ".." + maxHeartbeatMs);
    }
    if (heartbeatMissFactor < 1.0) {
      throw new IllegalArgumentException("heartbeatMissFactor must be at least 1");
    }
    if (pendingHandshakesPerAddress < 0) {
      throw new IllegalArgumentException("pendingHandshakesPerAddress must be 0 (no limit) or positive");
    }
  }

  /** Limits without a bound on connections per address before the handshake. */
  public Limits(
      int maxFrameBytes,
      int outboundQueueBytes,
      Duration handshakeTimeout,
      int minHeartbeatMs,
      int maxHeartbeatMs,
      int defaultHeartbeatMs,
      double heartbeatMissFactor,
      Duration uplinkIdleTimeout) {
    this(
        maxFrameBytes,
        outboundQueueBytes,
        handshakeTimeout,
        minHeartbeatMs,
        maxHeartbeatMs,
        defaultHeartbeatMs,
        heartbeatMissFactor,
        uplinkIdleTimeout,
        0);
  }

  public static Limits defaults() {
    return new Limits(
        FrameCodec.DEFAULT_MAX_FRAME_BYTES,
        256 * 1024,
        Duration.ofSeconds(10),
        5_000,
        300_000,
        30_000,
        2.5,
        Duration.ofMinutes(3));
  }

  /** The interval granted for a client's proposal: clamped to the bounds; 0 means the default. */
  public int grantHeartbeatMs(int proposedMs) {
    int wanted = proposedMs <= 0 ? defaultHeartbeatMs : proposedMs;
    return Math.max(minHeartbeatMs, Math.min(maxHeartbeatMs, wanted));
  }

  /** How long a downlink with heartbeat {@code grantedMs} may stay silent. */
  public Duration heartbeatTimeout(int grantedMs) {
    return Duration.ofMillis((long) Math.ceil(grantedMs * heartbeatMissFactor));
  }
}

package io.linkgate.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.linkgate.api.transport.Limits;
import io.linkgate.server.internal.Durations;
import java.time.Duration;

/**
 * Downlink heartbeat bounds. A client proposes an interval; the node grants it clamped to
 * [min, max], or {@code default} when it proposes none, and closes a downlink silent for
 * {@code missFactor} intervals.
 *
 * @param min lowest interval granted; default 5s
 * @param max highest interval granted; default 300s
 * @param defaultInterval granted when the client proposes none ({@code default} in YAML); 30s
 * @param missFactor intervals of silence before a downlink is closed; default 2.5
 */
public record HeartbeatConfig(
    Duration min,
    Duration max,
    @JsonProperty("default") Duration defaultInterval,
    Double missFactor) {

  public HeartbeatConfig {
    Limits d = Limits.defaults();
    min = min == null ? Duration.ofMillis(d.minHeartbeatMs()) : min;
    max = max == null ? Duration.ofMillis(d.maxHeartbeatMs()) : max;
    defaultInterval = defaultInterval == null ? Duration.ofMillis(d.defaultHeartbeatMs()) : defaultInterval;
    missFactor = missFactor == null ? d.heartbeatMissFactor() : missFactor;
    LimitsConfig.requirePositive(min, "heartbeat min");
    if (max.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
      throw new ConfigException("heartbeat max must be at most " + Integer.MAX_VALUE + "ms");
    }
    if (min.compareTo(max) > 0 || defaultInterval.compareTo(min) < 0 || defaultInterval.compareTo(max) > 0) {
      throw new ConfigException(
          "heartbeat intervals must satisfy min <= default <= max, got min "
              + Durations.format(min) + ", default " + Durations.format(defaultInterval)
              + ", max " + Durations.format(max));
    }
    if (missFactor.isNaN() || missFactor < 1.0) {
      throw new ConfigException("heartbeat miss-factor must be at least 1, got " + missFactor);
    }
  }

  public static HeartbeatConfig defaults() {
    return new HeartbeatConfig(null, null, null, null);
  }

  int minMs() {
    return (int) min.toMillis();
  }

  int maxMs() {
    return (int) max.toMillis();
  }

  int defaultMs() {
    return (int) defaultInterval.toMillis();
  }
}

package io.linkgate.bench.fanout;

import java.util.Map;

/**
 * What a load client counted in one run (its {@code STATS} reply): deliveries, when the first and
 * last arrived (nanoTime, the machine's CLOCK_MONOTONIC), latency percentiles in microseconds, how
 * many reads (Linkgate: TCP chunks; Socket.IO: WebSocket messages) carried them, and trouble.
 */
record ClientStats(
    long received, long expected, long firstNanos, long lastNanos, long reads, long bad, long problems,
    long p50Micros, long p99Micros, long p999Micros, long maxMicros) {

  /** Reads a {@code STATS} reply; every key must be there. */
  static ClientStats parse(Map<String, Long> reply) {
    return new ClientStats(
        get(reply, "received"), get(reply, "expected"), get(reply, "first"), get(reply, "last"),
        get(reply, "chunks"), get(reply, "bad"), get(reply, "problems"), get(reply, "p50"),
        get(reply, "p99"), get(reply, "p999"), get(reply, "max"));
  }

  private static long get(Map<String, Long> reply, String key) {
    Long v = reply.get(key);
    if (v == null) {
      throw new IllegalArgumentException("the client's STATS reply has no " + key + ": " + reply);
    }
    return v;
  }

  boolean complete() {
    return received >= expected;
  }

  /**
   * Deliveries per second from the first publish call to the last delivery: messages x members
   * over the time until the last member had the last message. NaN when nothing arrived.
   */
  double deliveredPerSecond(long publishStartNanos) {
    long span = lastNanos - publishStartNanos;
    if (received == 0 || span <= 0) {
      return Double.NaN;
    }
    return received * 1e9 / span;
  }
}

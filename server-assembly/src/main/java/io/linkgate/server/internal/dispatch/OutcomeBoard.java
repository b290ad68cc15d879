package io.linkgate.server.internal.dispatch;

import io.linkgate.api.proto.ConnectResult;
import io.linkgate.api.proto.Endpoint;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What clients reported about each endpoint lately, as a ranking penalty: an endpoint that fails
 * for many clients sinks, and rises again as its failures age out or successes come in.
 *
 * <p>Each endpoint keeps two weights, failures and successes, that halve every {@value
 * #HALF_LIFE_MS} ms, so a report counts fully now, a quarter after 40 s and almost nothing after two
 * minutes. The penalty is the failed share in levels (0 to {@value LoadGauge#MAX_LEVEL}), once at
 * least {@value #MIN_FAILURES} recent failures say it is not one unlucky client. Bounded: at most
 * {@value #MAX_ENDPOINTS} endpoints, and the caller records only endpoints that nodes advertise.
 */
final class OutcomeBoard {
  static final long HALF_LIFE_MS = 20_000;
  static final double MIN_FAILURES = 3;
  static final int MAX_ENDPOINTS = 4096;

  private final Map<String, Score> scores = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  OutcomeBoard(LongSupplier clockMillis) {
    this.clock = clockMillis;
  }

  void record(Endpoint endpoint, ConnectResult result) {
    boolean failed = result == ConnectResult.FAILED || result == ConnectResult.TIMED_OUT;
    boolean worked = result == ConnectResult.WON || result == ConnectResult.LOST;
    if (!failed && !worked) {
      return;
    }
    String key = key(endpoint);
    Score s = scores.get(key);
    if (s == null) {
      if (scores.size() >= MAX_ENDPOINTS) {
        prune();
        if (scores.size() >= MAX_ENDPOINTS) {
          return;
        }
      }
      s = scores.computeIfAbsent(key, k -> new Score());
    }
    s.add(failed, clock.getAsLong());
  }

  /** 0 for an endpoint nobody complained about; up to {@link LoadGauge#MAX_LEVEL}. */
  int penalty(Endpoint endpoint) {
    Score s = scores.get(key(endpoint));
    return s == null ? 0 : s.penalty(clock.getAsLong());
  }

  int size() {
    return scores.size();
  }

  private void prune() {
    long now = clock.getAsLong();
    scores.values().removeIf(s -> s.total(now) < 0.05);
  }

  static String key(Endpoint e) {
    return e.getTransport() + '|' + e.getRole() + '|' + e.getHost() + '|' + e.getPort();
  }

  private static final class Score {
    private double failures;
    private double successes;
    private long at;

    synchronized void add(boolean failed, long now) {
      decay(now);
      if (failed) {
        failures++;
      } else {
        successes++;
      }
    }

    synchronized int penalty(long now) {
      decay(now);
      if (failures < MIN_FAILURES) {
        return 0;
      }
      return (int) Math.round(LoadGauge.MAX_LEVEL * failures / (failures + successes));
    }

    synchronized double total(long now) {
      decay(now);
      return failures + successes;
    }

    private void decay(long now) {
      if (now > at) {
        double keep = Math.pow(0.5, (now - at) / (double) HALF_LIFE_MS);
        failures *= keep;
        successes *= keep;
        at = now;
      }
    }
  }
}

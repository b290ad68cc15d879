package io.linkgate.client.internal;

import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Learns, per network, the longest heartbeat interval that keeps an idle downlink alive (Mars's
 * "smart heartbeat"). NATs and carrier firewalls forget idle flows after a timeout nobody
 * publishes; pinging often wastes battery and radio, pinging too rarely loses the connection.
 *
 * <p>Each network starts at a safe interval. After {@link Settings#survivalsToStep} idle periods
 * survived at the current interval it steps up (×{@link Settings#step}), up to the maximum. A
 * connection that dies at a longer interval than the last one that survived (a middlebox timeout)
 * steps back to that one and pins it for {@link Settings#pinFor}, then probing resumes (middleboxes
 * change). Deaths at an interval never seen to survive, or at the pinned one, are usually something
 * else (a tunnel, a lift), so only {@link #DEATHS_TO_STEP_DOWN} in a row step down.
 *
 * <p>Every value stays within the client's bounds and the node's bounds (from dispatch or from how
 * the node clamped a proposal). Pure: the caller reports what happened; nothing here schedules or
 * sends. Scheduler thread only.
 */
final class HeartbeatLearner {
  static final int DEATHS_TO_STEP_DOWN = 2;

  /**
   * @param startMs the first interval tried on a network
   * @param minMs the client's lowest interval
   * @param maxMs the client's highest interval
   * @param step the factor of one step up or down, above 1
   * @param survivalsToStep idle periods to survive before stepping up
   * @param pinFor how long a value stays pinned after a longer one failed
   */
  record Settings(
      long startMs, long minMs, long maxMs, double step, int survivalsToStep, Duration pinFor) {
    Settings {
      if (minMs < 1 || minMs > maxMs || startMs < minMs || startMs > maxMs) {
        throw new IllegalArgumentException(
            "heartbeat bounds must satisfy 1 <= min <= start <= max, got "
                + minMs + " <= " + startMs + " <= " + maxMs);
      }
      if (step <= 1.0 || survivalsToStep < 1) {
        throw new IllegalArgumentException("the step must be above 1 and survivals at least 1");
      }
    }

    /** Learns nothing: always {@code ms}, within the node's bounds. */
    static Settings fixed(long ms) {
      return new Settings(ms, ms, ms, 1.5, 1, Duration.ZERO);
    }

    /** The client's: adaptive within its bounds, starting at its heartbeat, or fixed at it. */
    static Settings of(ClientConfig config) {
      long start = config.heartbeat().toMillis();
      if (!config.adaptiveHeartbeat()) {
        return fixed(start);
      }
      long min = config.heartbeatMin().toMillis();
      long max = config.heartbeatMax().toMillis();
      return new Settings(
          Math.max(min, Math.min(max, start)), min, max, 1.5, 2, Duration.ofHours(6));
    }
  }

  private final Settings settings;
  private final LongSupplier nanoClock;
  private final Map<String, Net> networks = new Lru<>(Lru.NETWORKS);
  /** What the node grants, as far as known; the node clamps proposals into these. */
  private long nodeMinMs = 1;
  private long nodeMaxMs = Long.MAX_VALUE;

  HeartbeatLearner(Settings settings, LongSupplier nanoClock) {
    this.settings = settings;
    this.nanoClock = nanoClock;
  }

  /** The interval to ping at on {@code network} now. */
  long interval(String network) {
    return clamp(net(network).current);
  }

  /**
   * What to propose in the next {@code Hello}. While probing, the highest interval it may reach,
   * so the connection can step up without a new handshake (the client pings at {@link #interval},
   * never slower than granted); otherwise the learned interval itself, which keeps the node's
   * silence timeout tight.
   */
  long proposal(String network) {
    return isProbing(net(network)) ? clamp(settings.maxMs) : interval(network);
  }

  /** The bounds the node grants, from dispatch; 0 for an unknown one. */
  void nodeBounds(long minMs, long maxMs) {
    if (minMs > 0 && maxMs >= minMs) {
      nodeMinMs = minMs;
      nodeMaxMs = maxMs;
    } else if (minMs > 0 || maxMs > 0) {
      nodeMinMs = minMs > 0 ? minMs : nodeMinMs;
      nodeMaxMs = maxMs > 0 ? maxMs : nodeMaxMs;
    }
    settle();
  }

  /** A node granted {@code grantedMs} for {@code proposedMs}: a clamp reveals one of its bounds. */
  void granted(long proposedMs, long grantedMs) {
    if (grantedMs <= 0) {
      return;
    }
    if (grantedMs < proposedMs) {
      nodeMaxMs = grantedMs;
    } else if (grantedMs > proposedMs) {
      nodeMinMs = grantedMs;
    }
    nodeMinMs = Math.min(nodeMinMs, grantedMs);
    nodeMaxMs = Math.max(nodeMaxMs, grantedMs);
    settle();
  }

  /**
   * The downlink stayed idle for about {@code intervalMs} and then carried a frame.
   *
   * @return whether the interval to ping at changed
   */
  boolean survived(String network, long intervalMs) {
    Net n = net(network);
    if (intervalMs != clamp(n.current)) {
      return false; // a report about an interval no longer in use
    }
    n.deaths = 0;
    if (++n.survivals < settings.survivalsToStep) {
      return false;
    }
    n.survivals = 0;
    n.good = Math.max(n.good, n.current);
    if (!isProbing(n)) {
      return false;
    }
    n.current = clamp(Math.round(n.current * settings.step));
    return true;
  }

  /**
   * The downlink died at {@code intervalMs} the way a middlebox kills it: silence, or a reset
   * right after an idle ping. Not for a GoAway, a server's close or error, or the app's close.
   */
  void died(String network, long intervalMs) {
    Net n = net(network);
    if (intervalMs != clamp(n.current)) {
      return;
    }
    n.survivals = 0;
    if (n.good > 0 && n.good < n.current) {
      n.current = n.good; // the probe was too long: back to what worked, and stay there
      pin(n);
    } else if (++n.deaths >= DEATHS_TO_STEP_DOWN) {
      n.deaths = 0;
      n.good = 0;
      n.current = clamp(Math.round(n.current / settings.step));
      pin(n);
    }
  }

  private boolean isProbing(Net n) {
    if (n.pinned && nanoClock.getAsLong() - n.pinnedUntil >= 0) {
      n.pinned = false; // middleboxes change: try longer intervals again
    }
    return !n.pinned && clamp(n.current) < clamp(settings.maxMs);
  }

  private void pin(Net n) {
    n.pinned = true;
    n.pinnedUntil = nanoClock.getAsLong() + settings.pinFor.toNanos();
  }

  /** Keeps every remembered value within the bounds after they changed. */
  private void settle() {
    for (Net n : networks.values()) {
      n.current = clamp(n.current);
      n.good = n.good > 0 ? clamp(n.good) : 0;
    }
  }

  private long clamp(long ms) {
    long min = Math.max(settings.minMs, nodeMinMs);
    long max = Math.min(settings.maxMs, nodeMaxMs);
    if (min > max) {
      // The node's bounds win: it closes a downlink that pings slower than it granted.
      min = nodeMinMs;
      max = nodeMaxMs;
    }
    return Math.max(min, Math.min(max, ms));
  }

  private Net net(String network) {
    return networks.computeIfAbsent(network, k -> new Net(clamp(settings.startMs)));
  }

  /** What one network taught so far. */
  private static final class Net {
    long current;
    /** The longest interval seen to survive idle periods; 0 if none. */
    long good;
    int survivals;
    /** Deaths in a row that did not follow a probe. */
    int deaths;
    boolean pinned;
    /** While pinned, the nano time until which {@link #current} is not stepped up. */
    long pinnedUntil;

    Net(long start) {
      this.current = start;
    }
  }
}

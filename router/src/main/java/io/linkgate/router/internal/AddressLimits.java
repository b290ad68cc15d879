package io.linkgate.router.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Per remote address, on this node: handshakes per second (a token bucket) and sessions open at
 * once, for every transport alike, since every handshake comes through the router. A client that
 * reconnects in a loop or opens sessions without end is refused with {@code RATE_LIMITED} before it
 * costs a token check or a registry write. Generous by design: a carrier's NAT or an office proxy
 * puts many honest users behind one address.
 *
 * <p>Memory: one counter per address with a session open (removed when its last one closes), and
 * one bucket per address that handshook lately (bounded at {@value #MAX_ADDRESSES}).
 */
final class AddressLimits {
  static final long MAX_ADDRESSES = 200_000;

  private final int maxSessions;
  private final double handshakesPerNano;
  private final int burst;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();
  private final Cache<String, double[]> buckets;

  /**
   * @param maxSessions sessions one address may hold at once, 0 for no limit
   * @param handshakesPerSecond handshakes one address may start per second, 0 for no limit
   */
  AddressLimits(int maxSessions, double handshakesPerSecond, LongSupplier nanoClock) {
    this.maxSessions = maxSessions;
    this.handshakesPerNano = handshakesPerSecond / 1e9;
    this.burst = (int) Math.max(1, Math.ceil(handshakesPerSecond * 2));
    this.nanoClock = nanoClock;
    this.buckets =
        Caffeine.newBuilder().maximumSize(MAX_ADDRESSES).expireAfterAccess(Duration.ofSeconds(10)).build();
  }

  /** A handshake from {@code remote} begins: refused past the address's rate, else counted. */
  void handshake(String remote) {
    take(remote, true);
  }

  /**
   * An uplink handshake from {@code remote} begins: refused past the address's rate, counted only
   * if it is refused later ({@link #uplinkRefused}). The HTTP tunnel and gRPC open an uplink per
   * request, whose token is verified once a window and then found in a cache: such an open costs
   * the node about what the frames it carries do, and counting each one made an address with more
   * than the rate's requests a second (an office or a carrier's NAT) a refused one. A loop of bad
   * tokens still spends the address's rate, and is refused before its token is checked.
   */
  void uplinkHandshake(String remote) {
    take(remote, false);
  }

  /** An uplink handshake from {@code remote} was refused: it counts toward the address's rate. */
  void uplinkRefused(String remote) {
    if (handshakesPerNano <= 0) {
      return;
    }
    double[] b = bucket(remote);
    synchronized (b) {
      refill(b);
      b[0] = Math.max(0, b[0] - 1);
    }
  }

  private void take(String remote, boolean count) {
    if (handshakesPerNano <= 0) {
      return;
    }
    double[] b = bucket(remote);
    synchronized (b) {
      refill(b);
      if (b[0] < 1) {
        throw new GatewayException(ErrorCode.RATE_LIMITED, "too many connections from your address; retry later");
      }
      if (count) {
        b[0]--;
      }
    }
  }

  /** Tokens (handshakes allowed now) and when they were last topped up. */
  private double[] bucket(String remote) {
    return buckets.get(addressOf(remote), a -> new double[] {burst, nanoClock.getAsLong()});
  }

  private void refill(double[] b) {
    long now = nanoClock.getAsLong();
    b[0] = Math.min(burst, b[0] + (now - (long) b[1]) * handshakesPerNano);
    b[1] = now;
  }

  /**
   * A session of {@code remote} opens: refused past the address's bound.
   *
   * @return what to run when it closes (exactly once)
   */
  Runnable open(String remote) {
    if (maxSessions <= 0) {
      return () -> {};
    }
    String address = addressOf(remote);
    AtomicInteger n = open.compute(address, (a, c) -> {
      AtomicInteger count = c != null ? c : new AtomicInteger();
      count.incrementAndGet();
      return count;
    });
    if (n.get() > maxSessions) {
      close(address);
      throw new GatewayException(
          ErrorCode.RATE_LIMITED, "more than " + maxSessions + " sessions from your address");
    }
    return onceClosing(address);
  }

  private Runnable onceClosing(String address) {
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        close(address);
      }
    };
  }

  private void close(String address) {
    open.computeIfPresent(address, (a, c) -> c.decrementAndGet() <= 0 ? null : c);
  }

  /** Sessions open now from {@code remote}'s address (for tests). */
  int openFrom(String remote) {
    AtomicInteger n = open.get(addressOf(remote));
    return n == null ? 0 : n.get();
  }

  /**
   * The address part of what a transport reports ({@code 10.0.0.1:5123}, {@code /10.0.0.1:5123},
   * {@code [::1]:5123}, or a bare address).
   */
  static String addressOf(String remote) {
    if (remote == null || remote.isEmpty()) {
      return "";
    }
    String r = remote.charAt(0) == '/' ? remote.substring(1) : remote;
    int slash = r.indexOf('/');
    if (slash >= 0) {
      r = r.substring(slash + 1); // host/addr:port
    }
    if (r.startsWith("[")) {
      int end = r.indexOf(']');
      return end > 0 ? r.substring(1, end) : r;
    }
    int colon = r.lastIndexOf(':');
    return colon > 0 && r.indexOf(':') == colon ? r.substring(0, colon) : r;
  }
}

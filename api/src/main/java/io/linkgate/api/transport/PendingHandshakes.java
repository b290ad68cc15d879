package io.linkgate.api.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections from each remote address that are open but not yet past their handshake, on one
 * listener group (a transport's role), bounded by {@link Limits#pendingHandshakesPerAddress()}. A
 * client that opens thousands of sockets and never sends a {@code Hello} holds at most that many,
 * each for at most the handshake timeout; the next one is closed as it is accepted, before any
 * buffer or timer is spent on it.
 *
 * <p>A transport calls {@link #tryAcquire} when it accepts a connection and closes the connection
 * at once if that returns null; it releases the slot when the handshake is through or the
 * connection closed, whichever comes first ({@link Slot#release()} may be called any number of
 * times, from any thread). Memory follows the addresses with a connection pending now. Refusals are
 * logged at INFO, at most one line per {@value #LOG_INTERVAL_SECONDS} s, with their count.
 */
public final class PendingHandshakes {
  private static final Logger log = LoggerFactory.getLogger(PendingHandshakes.class);
  private static final long LOG_INTERVAL_SECONDS = 10;

  /** A pending connection's place in the count. */
  public interface Slot {
    /** The connection is past its handshake, or closed. Idempotent. */
    void release();
  }

  private static final Slot UNCOUNTED = () -> {};

  private final int max;
  private final String listener;
  private final ConcurrentHashMap<InetAddress, Integer> pending = new ConcurrentHashMap<>();
  private final AtomicLong refusedSinceLog = new AtomicLong();
  private final AtomicLong nextLogNanos = new AtomicLong(System.nanoTime());

  /**
   * @param max connections per address before the handshake; 0 for no limit
   * @param listener names the listeners in the log ("tcp downlink")
   */
  public PendingHandshakes(int max, String listener) {
    if (max < 0) {
      throw new IllegalArgumentException("max must be 0 (no limit) or positive, got " + max);
    }
    this.max = max;
    this.listener = listener;
  }

  /**
   * Counts a connection just accepted from {@code remote}.
   *
   * @return its slot, or null if its address already holds the most: close the connection
   */
  public Slot tryAcquire(SocketAddress remote) {
    if (max == 0 || !(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
      return UNCOUNTED;
    }
    InetAddress address = inet.getAddress();
    boolean[] taken = new boolean[1];
    pending.compute(
        address,
        (a, n) -> {
          int count = n == null ? 0 : n;
          if (count >= max) {
            return n;
          }
          taken[0] = true;
          return count + 1;
        });
    if (!taken[0]) {
      refused(address);
      return null;
    }
    return new Held(address);
  }

  /** Connections from {@code address} now pending; for tests and metrics. */
  public int pending(InetAddress address) {
    return pending.getOrDefault(address, 0);
  }

  private void refused(InetAddress address) {
    refusedSinceLog.incrementAndGet();
    long now = System.nanoTime();
    long due = nextLogNanos.get();
    if (now - due >= 0
        && nextLogNanos.compareAndSet(due, now + TimeUnit.SECONDS.toNanos(LOG_INTERVAL_SECONDS))) {
      log.info(
          "{}: closed {} new connection(s) from {} and others over"
              + " limits.pending-handshakes-per-address ({}) since the last report",
          listener,
          refusedSinceLog.getAndSet(0),
          address.getHostAddress(),
          max);
    }
  }

  private final class Held extends AtomicBoolean implements Slot {
    private static final long serialVersionUID = 1L;
    private final transient InetAddress address;

    Held(InetAddress address) {
      this.address = address;
    }

    @Override
    public void release() {
      if (compareAndSet(false, true)) {
        pending.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
      }
    }
  }
}

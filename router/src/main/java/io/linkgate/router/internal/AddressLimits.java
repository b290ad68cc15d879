package io.linkgate.router.internal;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Per remote address, on this node: handshakes per second (a token bucket) and sessions open at
 * once, for every transport alike, since every handshake comes through the router. A client that
 * reconnects in a loop or opens sessions without end is refused with {@code RATE_LIMITED} before it
 * costs a token check or a registry write. Generous by design: a carrier's NAT or an office proxy
 * puts many honest users behind one address.
 *
 * <p>Cheap on the path every tunnel POST and gRPC frame call takes (each opens an uplink): behind
 * one proxy, every request of every user is the same address, so that address's state is read and
 * written by all request threads at once. An uplink that opens costs one map read and one counter
 * up and one down; its address's bucket is read without a lock unless the address has run dry. (A
 * cache with expiry per read for the buckets, a map recomputed under its bin lock to count
 * sessions and a lock on the bucket for every request cost about a microsecond a gRPC call.)
 *
 * <p>Memory: one entry per address seen, dropped by a sweep once it holds no session and its
 * bucket is full again. A sweep runs when the entries have about doubled since the last one, so its
 * cost is a constant share of each new address; near {@value #MAX_ADDRESSES} entries it also drops
 * entries whose bucket is not yet full (those addresses get a fresh bucket). Entries with a session
 * open are kept: their number is bounded by the sessions the transports admit.
 */
final class AddressLimits {
  static final int MAX_ADDRESSES = 200_000;
  /** Below this many entries there is no sweep. */
  static final int MIN_SWEEP_SIZE = 1024;
  /** What an entry's session count is once swept out: an opener that sees it takes a fresh entry. */
  private static final int RETIRED = Integer.MIN_VALUE / 2;

  private final int maxSessions;
  private final double handshakesPerNano;
  private final int burst;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Address> addresses = new ConcurrentHashMap<>();
  private final AtomicBoolean sweeping = new AtomicBoolean();
  private final AtomicLong sweeps = new AtomicLong();
  private volatile int sweepAt = MIN_SWEEP_SIZE;

  /**
   * @param maxSessions sessions one address may hold at once, 0 for no limit
   * @param handshakesPerSecond handshakes one address may start per second, 0 for no limit
   */
  AddressLimits(int maxSessions, double handshakesPerSecond, LongSupplier nanoClock) {
    this.maxSessions = maxSessions;
    this.handshakesPerNano = handshakesPerSecond / 1e9;
    this.burst = (int) Math.max(1, Math.ceil(handshakesPerSecond * 2));
    this.nanoClock = nanoClock;
  }

  /**
   * A handshake from {@code remote} begins: refused past the address's rate or its sessions, else
   * counted, and its session takes one of the address's slots.
   *
   * @return what to run when the session ends (at most once counts), or null if sessions are not
   *     limited
   */
  Runnable admit(String remote) {
    return admit(remote, true);
  }

  /**
   * As {@link #admit}, for an uplink handshake: refused past the address's rate, but counted toward
   * it only if it is refused later ({@link #uplinkRefused}). The HTTP tunnel and gRPC open an uplink
   * per request, whose token is verified once a window and then found in a cache: such an open
   * costs the node about what the frames it carries do, and counting each one made an address with
   * more than the rate's requests a second (an office or a carrier's NAT) a refused one. A loop of
   * bad tokens still spends the address's rate, and is refused before its token is checked.
   */
  Runnable admitUplink(String remote) {
    return admit(remote, false);
  }

  /** An uplink handshake from {@code remote} was refused: it counts toward the address's rate. */
  void uplinkRefused(String remote) {
    if (handshakesPerNano > 0) {
      long now = nanoClock.getAsLong();
      entry(addressOf(remote), now).spend(now);
    }
  }

  private Runnable admit(String remote, boolean counted) {
    String address = addressOf(remote);
    long now = nanoClock.getAsLong();
    if (maxSessions <= 0) {
      if (handshakesPerNano > 0) {
        entry(address, now).handshake(now, counted);
      }
      return null;
    }
    // The session is counted first: an entry holding one is never swept, so the handshake below
    // spends its token on the entry that stays, not on one retired meanwhile.
    Address a = entry(address, now);
    int n;
    while ((n = a.sessions.incrementAndGet()) <= 0) {
      addresses.remove(address, a); // swept meanwhile: its count is no longer the address's
      a = entry(address, now);
    }
    Slot slot = new Slot(a);
    try {
      if (handshakesPerNano > 0) {
        a.handshake(now, counted);
      }
      if (n > maxSessions) {
        throw new GatewayException(
            ErrorCode.RATE_LIMITED, "more than " + maxSessions + " sessions from your address");
      }
    } catch (GatewayException e) {
      slot.run();
      throw e;
    }
    return slot;
  }

  /** The address's entry, made if it has none. */
  private Address entry(String address, long now) {
    Address a = addresses.get(address);
    if (a != null) {
      return a;
    }
    Address made = new Address(burst, now);
    a = addresses.putIfAbsent(address, made);
    if (a != null) {
      return a;
    }
    if (addresses.size() >= sweepAt) {
      sweep(now);
    }
    return made;
  }

  /**
   * Drops the entries of addresses with no session whose bucket is full again (they are as a new
   * address would be); if that leaves less than a sixteenth of {@link #MAX_ADDRESSES} free, drops
   * entries with no session in the map's order until a sixteenth is free. One sweep at a time; the next once
   * the entries have grown by as many as are left (at least {@link #MIN_SWEEP_SIZE}, at most a
   * quarter of the bound) or reach the bound, so each new address pays a constant share of the
   * sweeps, even when entries holding sessions fill the bound.
   */
  private void sweep(long now) {
    if (!sweeping.compareAndSet(false, true)) {
      return;
    }
    try {
      sweeps.incrementAndGet();
      addresses.entrySet().removeIf(e -> e.getValue().retireIfIdle(now, false));
      Iterator<Map.Entry<String, Address>> rest = addresses.entrySet().iterator();
      while (addresses.size() >= MAX_ADDRESSES - MAX_ADDRESSES / 16 && rest.hasNext()) {
        Map.Entry<String, Address> e = rest.next();
        if (e.getValue().retireIfIdle(now, true)) {
          // Only if still this entry: an opener that met it retired may have made a fresh one.
          addresses.remove(e.getKey(), e.getValue());
        }
      }
      int left = addresses.size();
      int next = left + Math.max(MIN_SWEEP_SIZE, Math.min(left, MAX_ADDRESSES / 4));
      // Never past the bound while this sweep could still make room under it; past it only when
      // entries holding sessions fill it, and then a quarter of it later.
      sweepAt = left < MAX_ADDRESSES - MAX_ADDRESSES / 16 ? Math.min(next, MAX_ADDRESSES) : next;
    } finally {
      sweeping.set(false);
    }
  }


  /** Sessions open now from {@code remote}'s address (for tests). */
  int openFrom(String remote) {
    Address a = addresses.get(addressOf(remote));
    return a == null ? 0 : Math.max(0, a.sessions.get());
  }

  /** Addresses with an entry now (for tests of the bound). */
  int size() {
    return addresses.size();
  }

  /** Sweeps made so far (for tests of their schedule). */
  long sweeps() {
    return sweeps.get();
  }

  /** One address: its sessions and its handshake bucket. */
  private final class Address {
    /** Sessions open; {@link #RETIRED} once swept out of the map. */
    final AtomicInteger sessions = new AtomicInteger();
    // The bucket, guarded by this: tokens (handshakes allowed now) and when last topped up.
    private double tokens;
    private long at;
    /**
     * Until when the bucket holds less than one token. An uplink handshake, which only looks, reads
     * this alone: a request thread takes the lock only while the address has run dry.
     */
    private volatile long dryUntil;

    Address(int burst, long now) {
      this.tokens = burst;
      this.at = now;
      this.dryUntil = now;
    }

    void handshake(long now, boolean counted) {
      if (!counted && now - dryUntil >= 0) {
        return;
      }
      synchronized (this) {
        refill(now);
        if (tokens < 1) {
          markDry(now);
          throw new GatewayException(
              ErrorCode.RATE_LIMITED, "too many connections from your address; retry later");
        }
        if (counted) {
          tokens--;
          markDry(now);
        }
      }
    }

    synchronized void spend(long now) {
      refill(now);
      tokens = Math.max(0, tokens - 1);
      markDry(now);
    }

    /**
     * Takes this entry out of use if it holds no session and, unless {@code evenIfNotFull}, its
     * bucket is full again; true if it did.
     */
    boolean retireIfIdle(long now, boolean evenIfNotFull) {
      if (!evenIfNotFull && handshakesPerNano > 0) {
        synchronized (this) {
          refill(now);
          if (tokens < burst) {
            return false;
          }
        }
      }
      return sessions.compareAndSet(0, RETIRED);
    }

    /** Tops up for the time since the last top-up; a clock read before a later one adds nothing. */
    private void refill(long now) {
      long elapsed = now - at;
      if (elapsed > 0) {
        tokens = Math.min(burst, tokens + elapsed * handshakesPerNano);
        at = now;
      }
    }

    /** Notes when the bucket will next hold a whole token, if it holds none now. */
    private void markDry(long now) {
      if (tokens < 1) {
        dryUntil = now + (long) Math.ceil((1 - tokens) / handshakesPerNano);
      }
    }
  }

  /** A session's slot: given back once, however often its end is reported. */
  private static final class Slot extends AtomicBoolean implements Runnable {
    private final Address address;

    Slot(Address address) {
      this.address = address;
    }

    @Override
    public void run() {
      if (compareAndSet(false, true)) {
        address.sessions.decrementAndGet();
      }
    }
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

package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The bounds and the counting of {@link AddressLimits} itself; the router's use is in AddressLimitsTest. */
class AddressLimitsInternalsTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private static String remote(int i) {
    return "/10." + (i >>> 16 & 255) + "." + (i >>> 8 & 255) + "." + (i & 255) + ":4000";
  }

  @Test
  void addressesWithNoSessionAndAFullBucketAreSweptOutSoEntriesStayBounded() {
    AddressLimits limits = new AddressLimits(10, 5, nanos::get);
    for (int i = 0; i < 50_000; i++) {
      limits.admit(remote(i)).run();
      nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1)); // a spent token is back after 200 ms
    }
    assertThat(limits.size()).isLessThanOrEqualTo(2 * 2_000 + AddressLimits.MIN_SWEEP_SIZE);
  }

  @Test
  void pastTheBoundEvenAddressesWhoseBucketIsNotFullAreSweptButOpenSessionsAreKept() {
    AddressLimits limits = new AddressLimits(2, 5, nanos::get);
    Runnable a1 = limits.admit("/192.168.0.1:1");
    Runnable a2 = limits.admit("/192.168.0.1:2");
    // No time passes: no bucket is full again, so only the bound makes room.
    for (int i = 0; i < AddressLimits.MAX_ADDRESSES + 10_000; i++) {
      limits.admit(remote(i)).run();
    }
    assertThat(limits.size()).isLessThan(AddressLimits.MAX_ADDRESSES + AddressLimits.MIN_SWEEP_SIZE);
    assertThat(limits.openFrom("/192.168.0.1:3")).isEqualTo(2);
    assertThatThrownBy(() -> limits.admit("/192.168.0.1:3"))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
    a1.run();
    a1.run(); // a slot is given back once, however often its end is reported
    assertThat(limits.openFrom("/192.168.0.1:3")).isEqualTo(1);
    limits.admit("/192.168.0.1:3").run();
    a2.run();
    assertThat(limits.openFrom("/192.168.0.1:3")).isZero();
  }

  @Test
  void uplinksPassWithoutSpendingUntilRefusalsDryTheAddressThenAgainOnceItRefilled() {
    AddressLimits limits = new AddressLimits(0, 5, nanos::get); // burst 10
    for (int i = 0; i < 100; i++) {
      assertThat(limits.admitUplink("/10.9.9.9:1")).isNull(); // sessions not limited: nothing to give back
    }
    for (int i = 0; i < 10; i++) {
      limits.uplinkRefused("/10.9.9.9:1");
    }
    assertThatThrownBy(() -> limits.admitUplink("/10.9.9.9:2")).isInstanceOf(GatewayException.class);
    assertThatThrownBy(() -> limits.admit("/10.9.9.9:2")).isInstanceOf(GatewayException.class);
    limits.admitUplink("/10.9.9.8:1"); // another address goes on
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(150)); // not yet a whole token at 5 a second
    assertThatThrownBy(() -> limits.admitUplink("/10.9.9.9:2")).isInstanceOf(GatewayException.class);
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(60));
    limits.admitUplink("/10.9.9.9:2");
    limits.admit("/10.9.9.9:2"); // a counted handshake spends that token
    assertThatThrownBy(() -> limits.admitUplink("/10.9.9.9:3")).isInstanceOf(GatewayException.class);
  }

  @Test
  void anAddressSweptWhileItHoldsNoSessionIsCountedAfreshWhenItComesBack() {
    AddressLimits limits = new AddressLimits(2, 0, nanos::get);
    String proxy = "/172.16.0.9:8000";
    limits.admitUplink(proxy).run();
    long before = limits.sweeps();
    for (int i = 0; limits.sweeps() == before; i++) {
      limits.admit(remote(i)).run();
    }
    assertThat(limits.size()).isLessThan(AddressLimits.MIN_SWEEP_SIZE); // the proxy's entry went too
    Runnable one = limits.admitUplink(proxy);
    Runnable two = limits.admitUplink(proxy);
    assertThat(limits.openFrom(proxy)).isEqualTo(2);
    assertThatThrownBy(() -> limits.admitUplink(proxy)).isInstanceOf(GatewayException.class);
    one.run();
    two.run();
    assertThat(limits.openFrom(proxy)).isZero();
  }

  @Test
  void sweepsStayRareWhenSessionsHoldMoreAddressesThanTheBound() {
    AddressLimits limits = new AddressLimits(1, 0, nanos::get);
    List<Runnable> held = new ArrayList<>();
    for (int i = 0; i < AddressLimits.MAX_ADDRESSES + 5_000; i++) {
      held.add(limits.admit(remote(i)));
    }
    long before = limits.sweeps();
    for (int i = 0; i < 100_000; i++) {
      limits.admit("/192.168." + (i >>> 8 & 255) + "." + (i & 255) + ":1").run();
    }
    // Each sweep visits every entry: one every quarter of the bound at most, not one every
    // thousand new addresses.
    assertThat(limits.sweeps() - before).isBetween(1L, 4L);
    assertThat(limits.openFrom(remote(0))).isEqualTo(1);
    held.forEach(Runnable::run);
    assertThat(limits.openFrom(remote(0))).isZero();
  }

  @Test
  void sessionCountsStayExactWhileSweepsRetireEntriesConcurrently() throws Exception {
    AddressLimits limits = new AddressLimits(3, 0, System::nanoTime);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(5);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      String proxy = "/172.16.0." + t + ":8000"; // each thread alone on its address
      threads.add(
          new Thread(
              () -> {
                try {
                  // Three sessions held, then let go: between rounds the entry holds none and a
                  // sweep may retire it while this thread is about to count a session on it.
                  for (int i = 0; i < 100_000 && failure.get() == null; i++) {
                    Runnable a = limits.admitUplink(proxy);
                    Runnable b = limits.admitUplink(proxy);
                    Runnable c = limits.admitUplink(proxy);
                    if (limits.openFrom(proxy) != 3) {
                      throw new AssertionError("3 sessions held, " + limits.openFrom(proxy) + " counted");
                    }
                    a.run();
                    b.run();
                    c.run();
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                } finally {
                  done.countDown();
                }
              }));
    }
    threads.add(
        new Thread(
            () -> {
              try {
                // New addresses, each with its session closed at once: sweeps keep running.
                for (int i = 0; !stop.get() && failure.get() == null; i++) {
                  limits.admit(remote(i % 1_000_000)).run();
                }
              } catch (Throwable e) {
                failure.compareAndSet(null, e);
              } finally {
                done.countDown();
              }
            }));
    threads.forEach(Thread::start);
    for (int t = 0; t < 4; t++) {
      threads.get(t).join(TimeUnit.MINUTES.toMillis(2));
    }
    stop.set(true);
    assertThat(done.await(1, TimeUnit.MINUTES)).isTrue();
    assertThat(failure.get()).isNull();
    assertThat(limits.sweeps()).isPositive();
    for (int t = 0; t < 4; t++) {
      String proxy = "/172.16.0." + t + ":8000";
      assertThat(limits.openFrom(proxy)).isZero();
      List<Runnable> held = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        held.add(limits.admitUplink(proxy));
      }
      assertThatThrownBy(() -> limits.admitUplink(proxy)).isInstanceOf(GatewayException.class);
      held.forEach(Runnable::run);
    }
  }
}

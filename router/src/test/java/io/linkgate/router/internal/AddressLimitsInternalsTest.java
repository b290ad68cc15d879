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
      nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1)); // each bucket is full again after 2 s
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
  void sessionCountsStayExactWhileSweepsRetireOtherAddressesConcurrently() throws Exception {
    AddressLimits limits = new AddressLimits(4, 0, System::nanoTime);
    String proxy = "/172.16.0.1:8000";
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(5);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(
          new Thread(
              () -> {
                try {
                  // Four threads holding one session each never exceed the bound of four, and
                  // a session held is always in the count of the address's entry.
                  for (int i = 0; i < 200_000 && failure.get() == null; i++) {
                    Runnable slot = limits.admitUplink(proxy);
                    if (limits.openFrom(proxy) < 1) {
                      throw new AssertionError("a session held is not counted");
                    }
                    slot.run();
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
                // New addresses, each with its session closed at once: sweeps keep running, and
                // the proxy's entry, often at zero sessions, is retired and made again.
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
    assertThat(limits.openFrom(proxy)).isZero();
    List<Runnable> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      held.add(limits.admitUplink(proxy));
    }
    assertThatThrownBy(() -> limits.admitUplink(proxy)).isInstanceOf(GatewayException.class);
    held.forEach(Runnable::run);
    assertThat(limits.openFrom(proxy)).isZero();
  }
}

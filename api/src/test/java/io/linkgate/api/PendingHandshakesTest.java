package io.linkgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.transport.PendingHandshakes;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingHandshakesTest {
  private static final InetSocketAddress A = new InetSocketAddress(InetAddress.getLoopbackAddress(), 4000);
  private static final InetSocketAddress A_OTHER_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 4001);
  private static final InetSocketAddress B = new InetSocketAddress("127.0.0.2", 4000);

  @Test
  void anAddressHoldsAtMostTheBoundAndAReleaseFreesOnePlaceOnce() {
    PendingHandshakes pending = new PendingHandshakes(2, "test");
    PendingHandshakes.Slot first = pending.tryAcquire(A);
    PendingHandshakes.Slot second = pending.tryAcquire(A_OTHER_PORT);
    assertThat(first).isNotNull();
    assertThat(second).as("the bound counts addresses, not ports").isNotNull();
    assertThat(pending.tryAcquire(A)).as("third from one address").isNull();
    assertThat(pending.tryAcquire(B)).as("another address has its own count").isNotNull();

    first.release();
    first.release(); // a second release of the same slot frees nothing more
    assertThat(pending.pending(A.getAddress())).isEqualTo(1);
    assertThat(pending.tryAcquire(A)).isNotNull();
    assertThat(pending.tryAcquire(A)).isNull();
  }

  @Test
  void releasedAddressesAreForgotten() {
    PendingHandshakes pending = new PendingHandshakes(3, "test");
    List<PendingHandshakes.Slot> slots = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      slots.add(pending.tryAcquire(A));
    }
    slots.forEach(PendingHandshakes.Slot::release);
    assertThat(pending.pending(A.getAddress())).isZero();
  }

  @Test
  void zeroMeansNoBound() {
    PendingHandshakes pending = new PendingHandshakes(0, "test");
    for (int i = 0; i < 10_000; i++) {
      assertThat(pending.tryAcquire(A)).isNotNull();
    }
    assertThat(pending.pending(A.getAddress())).as("nothing is counted").isZero();
  }
}

package io.linkgate.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * A JVM for {@link WarmHeapTest}: starts {@link WarmHeap}, holds {@code args[0]} MiB live, collects,
 * and prints what it saw as {@code key=value} lines.
 */
public final class WarmHeapProbe {
  private WarmHeapProbe() {}

  public static void main(String[] args) throws Exception {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    Optional<WarmHeap> heap = WarmHeap.startIfZgc();
    System.out.println("started=" + heap.isPresent());
    System.out.println("initial=" + vm.getVMOption(WarmHeap.FLAG).getValue());
    byte[][] live = new byte[Integer.parseInt(args[0])][];
    for (int i = 0; i < live.length; i++) {
      live[i] = new byte[1 << 20];
    }
    long before = Long.parseLong(vm.getVMOption(WarmHeap.FLAG).getValue());
    long deadline = System.nanoTime() + 20_000_000_000L;
    // The collection's notification reaches the listener on another thread, some time after.
    do {
      System.gc();
      Thread.sleep(100);
    } while (heap.isPresent()
        && Long.parseLong(vm.getVMOption(WarmHeap.FLAG).getValue()) == before
        && System.nanoTime() < deadline);
    System.out.println("after=" + vm.getVMOption(WarmHeap.FLAG).getValue());
    System.out.println("followed=" + heap.map(WarmHeap::targetBytes).orElse(-1L));
    System.out.println("held=" + live.length);
  }
}

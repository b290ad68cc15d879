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
    // A collection's notification reaches the listener on another thread, some time after; one
    // that ran while the live arrays were being made saw less of them. Collect until the target
    // has held still over two more collections.
    long deadline = System.nanoTime() + 20_000_000_000L;
    long seen = -1;
    int still = 0;
    while (heap.isPresent() && still < 2 && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(200);
      long now = Long.parseLong(vm.getVMOption(WarmHeap.FLAG).getValue());
      still = now == seen ? still + 1 : 0;
      seen = now;
    }
    System.out.println("after=" + vm.getVMOption(WarmHeap.FLAG).getValue());
    System.out.println("followed=" + heap.map(WarmHeap::targetBytes).orElse(-1L));
    System.out.println("held=" + live.length);
  }
}

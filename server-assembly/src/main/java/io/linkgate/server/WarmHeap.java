package io.linkgate.server;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a ZGC heap cycling through memory it has already touched: sets ZGC's soft heap target
 * ({@code SoftMaxHeapSize}) to a few times the live set after each collection, instead of the
 * maximum heap.
 *
 * <p>Why: with the target at the maximum, ZGC lets a gateway's garbage (a few KB per message)
 * spread over the whole heap before it collects, so a node keeps allocating into pages it has never
 * touched, and JDK 17's ZGC maps its heap at three addresses, each page faulting once per address.
 * With {@code ZUncommitDelay} giving unused memory back, it happens again after every quiet spell.
 * On this project's test machine (a VM where a page fault costs about 25 µs) that took the tunnel
 * uplink from 37 to 95 µs of CPU per send and the gRPC uplink from 21 to 100 µs per call (bench
 * notes of 2026-12-07). A target near the live set makes ZGC collect sooner, within pages that are
 * mapped already; a collection of a small live set is cheap, and the target is soft: ZGC goes past
 * it rather than stall an allocation.
 *
 * <p>Only on ZGC, and only if {@code -XX:SoftMaxHeapSize} was not given on the command line: an
 * operator's own setting wins (give it as {@code -Xmx} to turn this off).
 */
public final class WarmHeap implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WarmHeap.class);
  static final String FLAG = "SoftMaxHeapSize";
  /** The target is this many times the heap in use after a collection... */
  static final int LIVE_MULTIPLE = 3;
  /** ...and never below this (or the maximum heap, if that is smaller). */
  static final long FLOOR_BYTES = 256L << 20;
  /** A new target closer than this fraction to the current one is not worth a flag write. */
  private static final double MIN_CHANGE = 0.1;

  private final HotSpotDiagnosticMXBean vm;
  private final NotificationEmitter cycles;
  private final long maxHeapBytes;
  private final Set<String> heapPools;
  private final NotificationListener listener = this::onCollection;
  private volatile long targetBytes;

  private WarmHeap(
      HotSpotDiagnosticMXBean vm, NotificationEmitter cycles, long maxHeapBytes, Set<String> heapPools) {
    this.vm = vm;
    this.heapPools = heapPools;
    this.cycles = cycles;
    this.maxHeapBytes = maxHeapBytes;
  }

  /**
   * Starts keeping the heap warm if this JVM runs ZGC and its soft target was left to the default;
   * empty otherwise (nothing changed).
   */
  public static Optional<WarmHeap> startIfZgc() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    NotificationEmitter cycles = zgcCycles();
    VMOption flag = vm.getVMOption(FLAG);
    // Left to the JVM, the flag's origin is DEFAULT or ERGONOMIC (set to the maximum heap); given
    // on the command line (or in JAVA_TOOL_OPTIONS), it is VM_CREATION or ENVIRON_VAR.
    VMOption.Origin origin = flag.getOrigin();
    if (cycles == null
        || origin != VMOption.Origin.DEFAULT && origin != VMOption.Origin.ERGONOMIC) {
      return Optional.empty();
    }
    WarmHeap heap = new WarmHeap(vm, cycles, Runtime.getRuntime().maxMemory(), heapPoolNames());
    heap.apply(target(0, heap.maxHeapBytes));
    cycles.addNotificationListener(heap.listener, null, null);
    log.info(
        "ZGC soft heap target {} MiB (max heap {} MiB), following {}x the live heap: set -XX:{} to choose your own",
        heap.targetBytes >> 20, heap.maxHeapBytes >> 20, LIVE_MULTIPLE, FLAG);
    return Optional.of(heap);
  }

  /** The target for a heap with {@code usedAfterGc} bytes in use after a collection. */
  static long target(long usedAfterGc, long maxHeapBytes) {
    long wanted = Math.max(FLOOR_BYTES, LIVE_MULTIPLE * Math.max(0, usedAfterGc));
    return Math.min(wanted, maxHeapBytes);
  }

  /** The soft target now, in bytes. */
  public long targetBytes() {
    return targetBytes;
  }

  /** Stops following the live set; the target stays where it is. */
  @Override
  public void close() {
    try {
      cycles.removeNotificationListener(listener);
    } catch (ListenerNotFoundException e) {
      // already removed
    }
  }

  private void onCollection(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    long used = 0;
    for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) { // not metaspace and code caches, reported alongside
        used += pool.getValue().getUsed();
      }
    }
    long next = target(used, maxHeapBytes);
    if (Math.abs(next - targetBytes) >= MIN_CHANGE * targetBytes) {
      apply(next);
    }
  }

  private void apply(long bytes) {
    try {
      vm.setVMOption(FLAG, Long.toString(bytes));
      targetBytes = bytes;
    } catch (RuntimeException e) {
      log.warn("could not set -XX:{}={}: {}", FLAG, bytes, e.toString());
    }
  }

  private static Set<String> heapPoolNames() {
    Set<String> names = new HashSet<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        names.add(pool.getName());
      }
    }
    return names;
  }

  /** JDK 17's ZGC reports each whole collection as a "ZGC Cycles" collector; null on other GCs. */
  private static NotificationEmitter zgcCycles() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc.getName().equals("ZGC Cycles") && gc instanceof NotificationEmitter emitter) {
        return emitter;
      }
    }
    return null;
  }
}

package io.linkgate.server.internal.dispatch;

import java.lang.management.ManagementFactory;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;

/**
 * This node's load level, 0 (idle) to {@value #MAX_LEVEL} (at capacity): the worst of what it
 * measures. Coarse on purpose: dispatch ranks by it, and a level that moved with every connection
 * would reshuffle every client's list.
 *
 * <ul>
 *   <li>downlinks against the configured capacity, a level per quarter, {@value #MAX_LEVEL} at or
 *       past it;
 *   <li>scheduling lag: how late a timer of this node fires (a starved CPU or a long GC pause shows
 *       here first), smoothed over the last few seconds (one late beat on a busy box says little),
 *       100 / 250 / 500 / 1,000 ms for levels 1 to 4;
 *   <li>the machine's CPU use, 75 / 90 % for levels 1 and 2: a busy CPU alone never says "busy"
 *       as loudly as connections or lag do (gateways sharing a box see the same CPU, and a short
 *       build or GC burst would otherwise reorder every list).
 * </ul>
 */
public final class LoadGauge {
  public static final int MAX_LEVEL = 4;

  private final IntSupplier downlinks;
  private final int capacity;
  private final DoubleSupplier cpu;
  private volatile long lagMillis;

  /** @param cpu the machine's CPU use, 0 to 1, negative when unknown */
  public LoadGauge(IntSupplier downlinks, int capacity, DoubleSupplier cpu) {
    this.downlinks = downlinks;
    this.capacity = capacity;
    this.cpu = cpu;
  }

  /** With the JVM's reading of the machine's CPU use. */
  public static LoadGauge ofThisMachine(IntSupplier downlinks, int capacity) {
    var os = ManagementFactory.getOperatingSystemMXBean();
    DoubleSupplier cpu = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun::getCpuLoad : () -> -1;
    return new LoadGauge(downlinks, capacity, cpu);
  }

  /** A scheduling lag seen by the status beat, folded into the smoothed value (a third each beat). */
  void observeLag(long millis) {
    lagMillis = (lagMillis * 2 + millis) / 3;
  }

  public Reading read() {
    int n = downlinks.getAsInt();
    double c = cpu.getAsDouble();
    long lag = lagMillis;
    int level = Math.max(connectionLevel(n, capacity), Math.max(lagLevel(lag), cpuLevel(c)));
    return new Reading(level, n, lag, c);
  }

  static int connectionLevel(int downlinks, int capacity) {
    if (downlinks >= capacity) {
      return MAX_LEVEL;
    }
    return (int) ((long) downlinks * MAX_LEVEL / capacity);
  }

  static int lagLevel(long millis) {
    return millis >= 1000 ? 4 : millis >= 500 ? 3 : millis >= 250 ? 2 : millis >= 100 ? 1 : 0;
  }

  static int cpuLevel(double load) {
    return load >= 0.9 ? 2 : load >= 0.75 ? 1 : 0;
  }

  /** One measurement and the level it gives. */
  public record Reading(int level, int downlinks, long lagMillis, double cpu) {}
}

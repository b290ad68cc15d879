package io.linkgate.bench.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Message payloads: the send time ({@link System#nanoTime()}, big-endian) in the first eight bytes,
 * filler after. On Linux nanoTime reads CLOCK_MONOTONIC, one clock for every process on the
 * machine, so a client in another process can subtract it from its own nanoTime; the driver checks
 * this at start (see {@code ServerProcess#checkClock}).
 */
public final class Payloads {
  public static final int MIN_SIZE = 8;

  private Payloads() {}

  public static byte[] stamped(long sendNanos, int size) {
    if (size < MIN_SIZE) {
      throw new IllegalArgumentException("payload must hold the 8-byte stamp, got " + size);
    }
    byte[] b = new byte[size];
    ByteBuffer.wrap(b).putLong(sendNanos);
    Arrays.fill(b, MIN_SIZE, size, (byte) 'x');
    return b;
  }
}

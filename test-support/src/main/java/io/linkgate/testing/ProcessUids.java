package io.linkgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a process's effective uid from {@code /proc/<pid>/status} (Linux only, like squid and
 * iptables). The JDK has no API for it, and a uid is what iptables' owner match compares.
 */
final class ProcessUids {

  private ProcessUids() {}

  static long effectiveUid(long pid) {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    try {
      for (String line : Files.readAllLines(status)) {
        // "Uid:\t<real>\t<effective>\t<saved>\t<filesystem>"
        if (line.startsWith("Uid:")) {
          return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
        }
      }
      throw new IllegalStateException("no Uid line in " + status);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + status + " (Linux /proc needed)", e);
    }
  }
}

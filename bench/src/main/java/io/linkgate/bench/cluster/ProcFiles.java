package io.linkgate.bench.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What {@code /proc} says about CPU time and sockets (Linux only). */
final class ProcFiles {
  /** {@code /proc/stat} counts in USER_HZ, which the kernel ABI fixes at 100 a second. */
  static final long NANOS_PER_TICK = 10_000_000L;

  private ProcFiles() {}

  /** One line of {@code /proc/net/tcp}: the ports of a TCP socket and its inode. */
  record TcpSocket(int localPort, int remotePort, long inode) {}

  /**
   * Busy CPU time of the whole machine, every core, from the first line of {@code /proc/stat}
   * ({@code cpu user nice system idle iowait irq softirq steal ...}): everything but idle and
   * iowait, in ticks. Guest time is counted inside user already.
   */
  static long busyTicks(String cpuLine) {
    String[] f = cpuLine.trim().split("\\s+");
    if (f.length < 5 || !f[0].equals("cpu")) {
      throw new IllegalArgumentException("not the cpu line of /proc/stat: " + cpuLine);
    }
    long busy = 0;
    for (int i = 1; i < Math.min(f.length, 9); i++) {
      if (i != 4 && i != 5) { // idle, iowait
        busy += Long.parseLong(f[i]);
      }
    }
    return busy;
  }

  /** The machine's busy CPU time so far in nanoseconds (10 ms resolution); -1 if unknown. */
  static long machineBusyNanos() {
    try {
      String first = read(Path.of("/proc/stat")).lines().findFirst().orElse("");
      return busyTicks(first) * NANOS_PER_TICK;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * The {@code voluntary_ctxt_switches} and {@code nonvoluntary_ctxt_switches} of one task's {@code
   * status} file; zeros for what is missing.
   */
  static long[] contextSwitches(String status) {
    long[] out = new long[2];
    for (String line : status.split("\n")) {
      if (line.startsWith("voluntary_ctxt_switches:")) {
        out[0] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
        out[1] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return out;
  }

  /**
   * Voluntary and involuntary context switches of every live thread of process {@code pid} so far
   * (a thread that ended takes its count with it); {-1, -1} if unknown.
   */
  static long[] processContextSwitches(long pid) {
    long[] sum = new long[2];
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        try {
          long[] c = contextSwitches(read(task.resolve("status")));
          sum[0] += c[0];
          sum[1] += c[1];
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
      return sum;
    } catch (IOException e) {
      return new long[] {-1, -1};
    }
  }

  /** The lines of {@code /proc/net/tcp} (or {@code tcp6}) after the heading. */
  static List<TcpSocket> parseNetTcp(List<String> lines) {
    List<TcpSocket> out = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 10 || !f[0].endsWith(":")) {
        continue; // the heading
      }
      try {
        out.add(new TcpSocket(port(f[1]), port(f[2]), Long.parseLong(f[9])));
      } catch (NumberFormatException e) {
        // not a socket line
      }
    }
    return out;
  }

  private static int port(String hexAddress) {
    return Integer.parseInt(hexAddress.substring(hexAddress.lastIndexOf(':') + 1), 16);
  }

  /** The inode of every socket process {@code pid} has open ({@code socket:[N]} links in fd/). */
  static Set<Long> socketInodes(long pid) throws IOException {
    Set<Long> out = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
          continue; // closed meanwhile
        }
        if (target.startsWith("socket:[") && target.endsWith("]")) {
          out.add(Long.parseLong(target.substring(8, target.length() - 1)));
        }
      }
    }
    return out;
  }

  /** The local ports of process {@code pid}'s TCP connections to {@code remotePort}. */
  static Set<Integer> localPortsTo(long pid, int remotePort) throws IOException {
    Set<Long> inodes = socketInodes(pid);
    Set<Integer> ports = new HashSet<>();
    for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(file);
      if (!Files.exists(p)) {
        continue;
      }
      for (TcpSocket s : parseNetTcp(read(p).lines().toList())) {
        if (s.remotePort() == remotePort && inodes.contains(s.inode())) {
          ports.add(s.localPort());
        }
      }
    }
    return ports;
  }

  private static String read(Path p) throws IOException {
    // procfs files report no size: read the stream to its end.
    try (var in = Files.newInputStream(p)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }
}

package io.linkgate.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A loopback port whose SYNs are dropped (an iptables {@code INPUT} rule), so a connect to it hangs
 * until the connect timeout, as to a host behind a firewall that drops packets. {@link #close}
 * deletes the rule. Needs root and iptables; {@link #open} says why not when it cannot.
 */
final class SynBlackHole implements AutoCloseable {
  private static final Path IPTABLES = Path.of("/usr/sbin/iptables");

  final int port;
  private final List<String> rule;

  private SynBlackHole(int port, List<String> rule) {
    this.port = port;
    this.rule = rule;
  }

  /**
   * Drops SYNs to a free loopback port.
   *
   * @throws IllegalStateException if iptables is missing or not usable here
   */
  static SynBlackHole open() throws IOException {
    if (!Files.isExecutable(IPTABLES)) {
      throw new IllegalStateException("no " + IPTABLES + " (Debian package iptables)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // free now; nothing listens on it once closed
    }
    List<String> rule = List.of("INPUT", "-p", "tcp", "-i", "lo", "--dport", Integer.toString(port),
        "--syn", "-m", "comment", "--comment",
        "linkgate-client-test:pid=" + ProcessHandle.current().pid(), "-j", "DROP");
    List<String> insert = new ArrayList<>(List.of("-I"));
    insert.addAll(rule);
    iptables(insert);
    return new SynBlackHole(port, rule);
  }

  @Override
  public void close() {
    List<String> delete = new ArrayList<>(List.of("-D"));
    delete.addAll(rule);
    iptables(delete);
  }

  private static void iptables(List<String> arguments) {
    List<String> command = new ArrayList<>(List.of(IPTABLES.toString(), "-w", "10"));
    command.addAll(arguments);
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out.trim());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run iptables: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running iptables", e);
    }
  }
}

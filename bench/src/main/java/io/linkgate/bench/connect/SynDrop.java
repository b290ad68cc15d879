package io.linkgate.bench.connect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A black-holed loopback port: one iptables rule that drops the SYNs to it, so a connect hangs
 * until the client's timeout, as behind a carrier that silently drops a port. The rule carries a
 * comment naming this benchmark and its pid (find a leftover with {@code iptables -S INPUT | grep
 * linkgate-bench}); {@link #close} deletes it, and a shutdown hook does if the driver is stopped
 * with Ctrl-C. Needs root. (test-support's {@code PortBlock} does the same for tests; the bench
 * module does not depend on test-support.)
 */
final class SynDrop implements AutoCloseable {
  private final List<String> rule;
  private final Thread hook;
  private boolean removed;

  private SynDrop(List<String> rule) {
    this.rule = rule;
    this.hook = new Thread(this::remove, "syn-drop-remove");
  }

  static SynDrop on(int port) throws IOException {
    List<String> rule =
        List.of("INPUT", "-p", "tcp", "-i", "lo", "--dport", Integer.toString(port), "--syn",
            "-m", "comment", "--comment", "linkgate-bench-connect:pid=" + ProcessHandle.current().pid(),
            "-j", "DROP");
    SynDrop drop = new SynDrop(rule);
    // The hook goes in first: a driver killed between the two steps still removes the rule.
    Runtime.getRuntime().addShutdownHook(drop.hook);
    iptables("-I", rule);
    return drop;
  }

  @Override
  public void close() {
    remove();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down and runs the hook itself
    }
  }

  private synchronized void remove() {
    if (removed) {
      return;
    }
    removed = true;
    try {
      iptables("-D", rule);
    } catch (IOException e) {
      System.err.println("could not remove the iptables rule " + rule + ": " + e.getMessage());
    }
  }

  private static void iptables(String op, List<String> rule) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "10", op));
    cmd.addAll(rule);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + " failed (root and iptables needed): " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted running iptables", e);
    }
  }
}

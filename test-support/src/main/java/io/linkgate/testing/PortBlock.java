package io.linkgate.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A loopback port made hostile with one iptables {@code INPUT} rule, as carriers and firewalls do:
 * {@link #dropSyns} (a black hole: a connect hangs until its timeout), {@link #reset} (a connect
 * fails at once with a TCP reset), {@link #dropAll} (an established connection goes silent too).
 * {@link #close} deletes the rule; a JVM shutdown hook does if a test forgets. Connect to {@code
 * 127.0.0.1}: only IPv4 loopback is blocked. Needs root and the Debian package iptables.
 */
public final class PortBlock implements AutoCloseable {
  private static final Path IPTABLES = Path.of("/usr/sbin/iptables");

  private final List<String> rule;
  private final Thread hook;
  private boolean removed;

  private PortBlock(List<String> rule) {
    this.rule = rule;
    this.hook = new Thread(this::remove, "port-unblock");
  }

  /** Drops the SYNs to {@code port}: new connections hang, open ones carry on. */
  public static PortBlock dropSyns(int port) {
    return add(port, List.of("--syn", "-j", "DROP"));
  }

  /** Answers SYNs to {@code port} with a reset: new connections fail at once. */
  public static PortBlock reset(int port) {
    return add(port, List.of("--syn", "-j", "REJECT", "--reject-with", "tcp-reset"));
  }

  /** Drops every packet to {@code port}: new connections hang and open ones go silent. */
  public static PortBlock dropAll(int port) {
    return add(port, List.of("-j", "DROP"));
  }

  /** Whether iptables can be used here (root, the binary present). */
  public static boolean usable() {
    if (!Files.isExecutable(IPTABLES)) {
      return false;
    }
    try {
      iptables(List.of("-S", "INPUT"));
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private static PortBlock add(int port, List<String> action) {
    List<String> rule = new ArrayList<>(List.of("INPUT", "-p", "tcp", "-i", "lo", "--dport", Integer.toString(port),
        "-m", "comment", "--comment", "linkgate-port-block:pid=" + ProcessHandle.current().pid()));
    rule.addAll(action);
    List<String> insert = new ArrayList<>(List.of("-I"));
    insert.addAll(rule);
    iptables(insert);
    PortBlock block = new PortBlock(List.copyOf(rule));
    Runtime.getRuntime().addShutdownHook(block.hook);
    return block;
  }

  @Override
  public synchronized void close() {
    remove();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs remove() itself
    }
  }

  private synchronized void remove() {
    if (removed) {
      return;
    }
    removed = true;
    List<String> delete = new ArrayList<>(List.of("-D"));
    delete.addAll(rule);
    iptables(delete);
  }

  private static String iptables(List<String> arguments) {
    List<String> command = new ArrayList<>(List.of(IPTABLES.toString(), "-w", "10"));
    command.addAll(arguments);
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out.trim());
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run iptables: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running iptables", e);
    }
  }
}

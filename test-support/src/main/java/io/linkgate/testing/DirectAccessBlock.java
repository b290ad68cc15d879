package io.linkgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Makes the network look like a locked-down office for this JVM: its direct TCP connections to
 * {@code 127.0.0.1:<ports>} are rejected (a TCP reset, so {@code connect} fails at once with
 * "Connection refused"), while squid, running as another user, still reaches those ports. A client
 * that works while this is in place provably went through the proxy.
 *
 * <p>It adds one iptables {@code OUTPUT} rule per port, matching {@code --uid-owner} of this JVM's
 * user and tagged with a unique {@code --comment}, and {@link #close} deletes exactly those rules
 * (a JVM shutdown hook does the same if a test forgets; rules of a JVM killed outright are removed
 * by the next instance, since the comment names the owning pid). Only IPv4 loopback is blocked:
 * connect to {@code 127.0.0.1}, not {@code localhost}, which may resolve to {@code ::1}.
 *
 * <p>Needs root (CAP_NET_ADMIN) and the Debian package iptables; fails with a clear message
 * otherwise.
 */
public final class DirectAccessBlock implements AutoCloseable {

  private static final String COMMENT_PREFIX = "linkgate-direct-block";
  private static final Pattern OWNED_RULE =
      Pattern.compile(Pattern.quote(COMMENT_PREFIX) + ":pid=(\\d+):");
  private static final List<Path> IPTABLES =
      List.of(Path.of("/usr/sbin/iptables"), Path.of("/sbin/iptables"));

  private final String iptables;
  private final String comment;
  private final long blockedUid;
  private final List<List<String>> rules = new ArrayList<>();
  private final Thread shutdownHook;
  private boolean removed;

  private DirectAccessBlock(String iptables, String comment, long blockedUid) {
    this.iptables = iptables;
    this.comment = comment;
    this.blockedUid = blockedUid;
    this.shutdownHook = new Thread(this::removeRules, "direct-access-unblock");
  }

  /**
   * Rejects this JVM's direct connections to {@code 127.0.0.1:<ports>}. {@code proxy} is the squid
   * that must keep access: it has to run as a different user than this JVM (it does when the tests
   * run as root), otherwise the block would cut it off too and the test would fail for the wrong
   * reason.
   */
  public static DirectAccessBlock forPorts(SquidProxy proxy, int... ports) {
    if (ports.length == 0) {
      throw new IllegalArgumentException("give at least one port to block");
    }
    String iptables = findIptables();
    long uid = ProcessUids.effectiveUid(ProcessHandle.current().pid());
    long proxyUid = proxy.processUid();
    if (proxyUid == uid) {
      throw new IllegalStateException("squid runs as uid " + proxyUid + ", the same user as this"
          + " JVM, so blocking this user would block squid too; run the tests as root so squid"
          + " drops to user proxy");
    }
    DirectAccessBlock block = new DirectAccessBlock(iptables,
        COMMENT_PREFIX + ":pid=" + ProcessHandle.current().pid() + ":id="
            + UUID.randomUUID().toString().substring(0, 8),
        uid);
    block.removeRulesOfDeadJvms();
    Runtime.getRuntime().addShutdownHook(block.shutdownHook);
    try {
      for (int port : ports) {
        block.add(port);
      }
    } catch (RuntimeException e) {
      try {
        block.close();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    return block;
  }

  /** The uid whose connections are rejected (this JVM's). */
  public long blockedUid() {
    return blockedUid;
  }

  /** Deletes exactly the rules this instance added, and checks none is left. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs removeRules() itself
    }
    removeRules();
    List<String> left = listOutputRules().stream()
        .filter(rule -> rule.contains(comment))
        .collect(Collectors.toList());
    if (!left.isEmpty()) {
      throw new IllegalStateException("iptables rules survived close(): " + left);
    }
  }

  @Override
  public String toString() {
    return "DirectAccessBlock[uid " + blockedUid + ", " + comment + ", " + rules.size() + " rules]";
  }

  private void add(int port) {
    List<String> rule = List.of(
        "-p", "tcp", "-d", "127.0.0.1/32", "--dport", Integer.toString(port),
        "-m", "owner", "--uid-owner", Long.toString(blockedUid),
        "-m", "comment", "--comment", comment,
        "-j", "REJECT", "--reject-with", "tcp-reset");
    // Inserted first so that no ACCEPT rule already in the chain lets the connection through.
    List<String> insert = new ArrayList<>(List.of("-I", "OUTPUT", "1"));
    insert.addAll(rule);
    run(insert);
    synchronized (this) {
      rules.add(rule);
    }
  }

  private synchronized void removeRules() {
    if (removed) {
      return;
    }
    List<String> failures = new ArrayList<>();
    for (List<String> rule : rules) {
      List<String> delete = new ArrayList<>(List.of("-D", "OUTPUT"));
      delete.addAll(rule);
      try {
        run(delete);
      } catch (RuntimeException e) {
        failures.add(e.getMessage());
      }
    }
    rules.clear();
    removed = true;
    if (!failures.isEmpty()) {
      throw new IllegalStateException("could not delete iptables rules: " + failures);
    }
  }

  /** Rules whose comment names a pid that is gone were left by a JVM killed before close(). */
  private void removeRulesOfDeadJvms() {
    for (String rule : listOutputRules()) {
      Matcher owner = OWNED_RULE.matcher(rule);
      if (owner.find() && !isAlive(Long.parseLong(owner.group(1)))) {
        // "-S" prints "-A OUTPUT <spec>"; the same spec after "-D" deletes it.
        List<String> delete = Stream.of(rule.trim().split("\\s+"))
            .map(token -> token.replace("\"", ""))
            .collect(Collectors.toCollection(ArrayList::new));
        delete.set(0, "-D");
        try {
          run(delete);
        } catch (RuntimeException e) {
          // best effort; another JVM may have removed it in the meantime
        }
      }
    }
  }

  private static boolean isAlive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private List<String> listOutputRules() {
    return run(List.of("-S", "OUTPUT")).lines().collect(Collectors.toList());
  }

  private static String findIptables() {
    Path found = IPTABLES.stream().filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new IllegalStateException(
            "iptables not found: install the Debian package iptables (apt-get install iptables;"
                + " .ci/run does)"));
    String iptables = found.toString();
    try {
      exec(List.of(iptables, "-w", "10", "-S", "OUTPUT"));
    } catch (RuntimeException e) {
      throw new IllegalStateException("iptables is not usable here (needs root / CAP_NET_ADMIN"
          + " and a kernel with netfilter): " + e.getMessage(), e);
    }
    return iptables;
  }

  /** Runs iptables, waiting up to 10 s for the xtables lock other processes may hold. */
  private String run(List<String> arguments) {
    List<String> command = new ArrayList<>(List.of(iptables, "-w", "10"));
    command.addAll(arguments);
    return exec(command);
  }

  private static String exec(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " timed out");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited with "
            + process.exitValue() + ": " + output.trim());
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command.get(0), e);
    }
  }
}

package io.linkgate.bench.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ServerMain} child process, started with this JVM's class path, and the line protocol to
 * drive it. Its stderr and stray stdout go to a log file.
 */
public final class ServerProcess implements AutoCloseable {
  private final String mode;
  private final Process process;
  private final Writer commands;
  private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
  private final Path log;
  private final Map<String, Long> ready;

  private ServerProcess(String mode, Process process, Path log) throws IOException {
    this.mode = mode;
    this.process = process;
    this.log = log;
    this.commands = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  if (line.startsWith("@@ ")) {
                    replies.add(line.substring(3));
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "server-" + mode + "-stdout");
    reader.setDaemon(true);
    reader.start();
    this.ready = reply(Duration.ofSeconds(60));
  }

  /**
   * Starts a server process and waits for it to listen.
   *
   * @param mode {@code linkgate} or {@code raw}
   * @param jvmArgs e.g. {@code -Xmx2g}
   * @param args {@code key=value} arguments of {@link ServerMain}
   */
  public static ServerProcess start(String mode, List<String> jvmArgs, Map<String, String> args, Path logDir)
      throws IOException {
    return start(ServerMain.class.getName(), mode, jvmArgs, args, logDir);
  }

  /**
   * Starts a server process whose main class is {@code mainClass} (one that ends in {@link
   * ServerMain#serve}) and waits for it to listen.
   */
  public static ServerProcess start(
      String mainClass, String mode, List<String> jvmArgs, Map<String, String> args, Path logDir)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.add("mode=" + mode);
    args.forEach((k, v) -> cmd.add(k + "=" + v));
    return startCommand(mode, cmd, logDir);
  }

  /**
   * Starts any program that speaks this line protocol (a READY line, then one reply a command),
   * such as the fan-out benchmark's Node scripts, and waits for its READY line.
   *
   * @param command the program and its arguments
   */
  public static ServerProcess startCommand(String mode, List<String> command, Path logDir) throws IOException {
    Files.createDirectories(logDir);
    Path log = Files.createTempFile(logDir, "server-" + mode + "-", ".log");
    Process p =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new ServerProcess(mode, p, log);
  }

  public String mode() {
    return mode;
  }

  public int port() {
    return ready.get("port").intValue();
  }

  public long maxFiles() {
    return ready.get("maxFiles");
  }

  /** A value of the server's READY line, such as {@code port}; -1 if it has none or not a number. */
  public long readyValue(String key) {
    return ready.getOrDefault(key, -1L);
  }

  public boolean epoll() {
    return ready.get("epoll") == 1;
  }

  public Path log() {
    return log;
  }

  /** Sends one command and returns its reply's {@code key=value} pairs. */
  public synchronized Map<String, Long> call(String command, Duration timeout) throws IOException {
    replies.clear();
    commands.write(command + "\n");
    commands.flush();
    Map<String, Long> r = reply(timeout);
    if (r.containsKey("error")) {
      throw new IOException(mode + " server failed '" + command + "'; see " + log);
    }
    return r;
  }

  private Map<String, Long> reply(Duration timeout) throws IOException {
    String line;
    try {
      line = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    if (line == null) {
      throw new IOException(
          mode + " server did not answer within " + timeout + (process.isAlive() ? "" : " (it exited)")
              + "; see " + log);
    }
    Map<String, Long> m = new HashMap<>();
    for (String kv : line.trim().split("\\s+")) {
      int eq = kv.indexOf('=');
      if (eq < 0) {
        continue; // a bare word such as READY
      }
      String v = kv.substring(eq + 1);
      m.put(kv.substring(0, eq), v.matches("-?\\d+") ? Long.parseLong(v) : -1L);
    }
    return m;
  }

  /** Polls {@code COUNT} until the server holds {@code expected} handshaken downlinks. */
  public void awaitConnected(int expected, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long count;
    while ((count = call("COUNT", Duration.ofSeconds(10)).get("count")) != expected) {
      if (System.nanoTime() > deadline) {
        throw new IOException(mode + " server holds " + count + " downlinks, expected " + expected);
      }
      try {
        Thread.sleep(50); // polling another process: there is nothing to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
    }
  }

  /**
   * Checks that nanoTime is one clock for both processes: the child's reading must fall between
   * two readings here. Returns the widest round trip seen, in nanoseconds.
   *
   * @throws IllegalStateException if it does not hold
   */
  public long checkClock(int tries) throws IOException {
    long widest = 0;
    for (int i = 0; i < tries; i++) {
      long before = System.nanoTime();
      long child = call("NANO", Duration.ofSeconds(10)).get("nanos");
      long after = System.nanoTime();
      if (child < before || child > after) {
        throw new IllegalStateException(
            "System.nanoTime differs between processes (" + before + " <= " + child + " <= " + after
                + " fails): cross-process latency would be wrong on this platform");
      }
      widest = Math.max(widest, after - before);
    }
    return widest;
  }

  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        commands.write("QUIT\n");
        commands.flush();
      }
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}

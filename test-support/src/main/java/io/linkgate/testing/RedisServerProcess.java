package io.linkgate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code redis-server} on a free loopback port, started and killed by a test. Restarting
 * keeps the port and the data directory, so a test can stop Redis and bring it back with or
 * without its data.
 */
public final class RedisServerProcess implements AutoCloseable {
  private static final String BINARY = "redis-server";

  private final int port;
  private final Path dir;
  private final boolean persistent;
  private Process process;

  private RedisServerProcess(int port, Path dir, boolean persistent) {
    this.port = port;
    this.dir = dir;
    this.persistent = persistent;
  }

  /** Without persistence: a restart comes back empty. */
  public static RedisServerProcess start() {
    return start(false);
  }

  /** @param persistent append-only file fsynced on every write, so a restart keeps every write */
  public static RedisServerProcess start(boolean persistent) {
    try {
      RedisServerProcess r =
          new RedisServerProcess(freePort(), Files.createTempDirectory("linkgate-redis"), persistent);
      r.startProcess();
      return r;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Kills the server at once (SIGKILL: no save on exit). */
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /** Starts it again on the same port and data directory. */
  public void restart() {
    kill();
    startProcess();
  }

  /**
   * Runs one command and returns its reply: a bulk string's content (null for a nil), else the
   * reply's first line as sent ({@code +OK}, {@code :3}, {@code -ERR ...}, {@code *2}).
   */
  public String command(String... words) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      StringBuilder req = new StringBuilder("*" + words.length + "\r\n");
      for (String w : words) {
        req.append('$').append(w.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(w).append("\r\n");
      }
      out.write(req.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      String first = readLine(in);
      if (first.startsWith("$")) {
        return first.equals("$-1") ? null : readLine(in);
      }
      return first;
    } catch (IOException e) {
      throw new AssertionError("redis command " + String.join(" ", words) + " failed", e);
    }
  }

  private void startProcess() {
    List<String> cmd = new ArrayList<>();
    cmd.add(BINARY);
    cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString()));
    cmd.addAll(List.of("--save", "", "--daemonize", "no", "--protected-mode", "no"));
    if (persistent) {
      cmd.addAll(List.of("--appendonly", "yes", "--appendfsync", "always"));
    } else {
      cmd.addAll(List.of("--appendonly", "no"));
    }
    try {
      process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis.log").toFile())
              .start();
    } catch (IOException e) {
      throw new AssertionError(
          "could not run " + BINARY + " (install the Debian package redis-server; .ci/run does)", e);
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("redis-server exited at start; see " + dir.resolve("redis.log"));
      }
      try {
        if ("+PONG".equals(command("PING"))) {
          return;
        }
      } catch (AssertionError notYet) {
        // not listening yet
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("redis-server did not answer PING within 10 s");
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    kill();
  }
}

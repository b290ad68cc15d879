package io.linkgate.bench.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server child process of the driver, on a free loopback port, with nothing persisted (no
 * RDB snapshots, no AOF) so that no fork or disk write lands in a measured run.
 */
public final class RedisServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;
  private final Thread hook;

  private RedisServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
    // If the driver dies, its child JVMs end with their stdin; redis-server would not.
    this.hook = new Thread(process::destroyForcibly, "redis-server-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * @param binary the redis-server executable (a name on the PATH or a path)
   * @throws IOException if it cannot be started or does not answer PING within 10 s
   */
  public static RedisServer start(String binary, Path logDir) throws IOException {
    Files.createDirectories(logDir);
    Path log = Files.createTempFile(logDir, "redis-", ".log");
    int port = freePort();
    List<String> cmd =
        List.of(
            binary, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--protected-mode", "no", "--daemonize", "no",
            "--logfile", log.toString());
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new IOException(
          "could not start " + binary + " (Debian: apt-get install redis-server; or --redis-server PATH)", e);
    }
    RedisServer r = new RedisServer(p, port, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (RedisProbe probe = RedisProbe.connect(port)) {
        if ("PONG".equals(probe.call("PING"))) {
          return r;
        }
      } catch (IOException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          r.close();
          throw new IOException("redis-server did not come up on port " + port + "; see " + log, e);
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
    }
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public Path log() {
    return log;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy(); // SIGTERM: nothing to save, it exits at once
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
  }
}

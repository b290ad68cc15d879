package io.linkgate.examples.business;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM of its own, its output in a log file, started as an operator would start it: a gateway
 * with the CLI's {@code serve}, the service with {@code java -jar}. {@link #kill()} is {@code kill -9}.
 */
final class JavaProcess implements AutoCloseable {
  private final String name;
  private final Path log;
  private final Process process;

  private JavaProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
  }

  static JavaProcess start(String name, Path dir, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Small and quick to start: several of these share two cores with the test.
    command.addAll(List.of("-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(List.of(args));
    Path log = dir.resolve(name + ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new JavaProcess(name, log, p);
  }

  /** Waits until the output holds {@code line}; fails with the output if the process exits first. */
  JavaProcess awaitOutput(String line) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (Files.readString(log).contains(line)) {
        return this;
      }
      if (!process.isAlive()) {
        throw new IOException(name + " exited before saying '" + line + "':\n" + output());
      }
      Thread.sleep(50);
    }
    throw new IOException(name + " did not say '" + line + "' within 30 s:\n" + output());
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM, as a service manager stops it; returns the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}

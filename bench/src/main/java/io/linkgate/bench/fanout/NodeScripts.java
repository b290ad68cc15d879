package io.linkgate.bench.fanout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Node side of the benchmark (bench/src/main/node/fanout), copied into a work directory
 * outside the repository and installed there with {@code npm ci} from its lock file: Socket.IO and
 * {@code ws} at the exact versions the lock pins. The copy means an edit of the sources cannot
 * change a benchmark in the middle of its run; the install is repeated only when the lock file
 * changed.
 */
final class NodeScripts {
  private static final String INSTALLED_MARK = ".installed-lock-sha256";

  private final Path dir;
  private final String node;

  private NodeScripts(Path dir, String node) {
    this.dir = dir;
    this.node = node;
  }

  /**
   * Copies the scripts from {@code sources} to {@code workDir} and runs {@code npm ci} there unless
   * the same lock file is installed already.
   */
  static NodeScripts prepare(Path sources, Path workDir, String node, String npm, Appendable log)
      throws IOException, InterruptedException {
    Path lock = sources.resolve("package-lock.json");
    if (!Files.isRegularFile(lock) || !Files.isRegularFile(sources.resolve("package.json"))) {
      throw new IOException(
          sources.toAbsolutePath() + " holds no package.json and package-lock.json: give --node-scripts "
              + "(bench/src/main/node/fanout of the repository)");
    }
    Files.createDirectories(workDir);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(sources, "*.{js,json}")) {
      for (Path f : files) {
        Files.copy(f, workDir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    String lockHash = sha256(Files.readAllBytes(lock));
    Path mark = workDir.resolve(INSTALLED_MARK);
    boolean installed =
        Files.isDirectory(workDir.resolve("node_modules"))
            && Files.isRegularFile(mark)
            && Files.readString(mark, StandardCharsets.US_ASCII).trim().equals(lockHash);
    if (!installed) {
      log.append("npm ci in ").append(workDir.toString()).append('\n');
      run(List.of(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"), workDir, 300);
      Files.writeString(mark, lockHash + "\n", StandardCharsets.US_ASCII);
    }
    return new NodeScripts(workDir, node);
  }

  /** The command line that runs {@code script} (a file of the package) with {@code args}. */
  List<String> command(String script, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(node);
    cmd.add(dir.resolve(script).toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  Path dir() {
    return dir;
  }

  /** {@code node --version}, e.g. {@code v20.20.2}. */
  String nodeVersion() throws IOException, InterruptedException {
    Path out = Files.createTempFile("node-version", ".txt");
    try {
      Process p = new ProcessBuilder(node, "--version").redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(node + " --version failed");
      }
      return Files.readString(out).trim();
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static void run(List<String> cmd, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
    Path log = dir.resolve("npm.log");
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " took more than " + timeoutSeconds + " s; see " + log);
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed with " + p.exitValue() + "; see " + log);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}

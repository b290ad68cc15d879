package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.linkgate.api.transport.TransportProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real distribution, as an operator gets it: the tarball that {@code package} built, unpacked,
 * started with {@code bin/linkgate serve --config conf/linkgate.yaml}, stopped with SIGTERM.
 * Failsafe runs it after {@code package}; the tarball's path comes in {@code linkgate.distribution}.
 */
class DistributionIT {
  private static final String SECRET = "distribution-it-secret-0123456789abcdef";
  private static final ObjectMapper YAML = new YAMLMapper();

  @TempDir Path tmp;
  Path home;

  @BeforeEach
  void unpack() throws Exception {
    Process tar = new ProcessBuilder("tar", "xzf", tarball().toString(), "-C", tmp.toString()).inheritIO().start();
    assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).isZero();
    try (Stream<Path> top = Files.list(tmp)) {
      List<Path> dirs = top.filter(Files::isDirectory).toList();
      assertThat(dirs).hasSize(1);
      home = dirs.get(0);
    }
  }

  private static Path tarball() throws IOException {
    String given = System.getProperty("linkgate.distribution");
    if (given != null) {
      return Path.of(given);
    }
    try (Stream<Path> target = Files.list(Path.of("target"))) { // run outside Failsafe, after package
      return target.filter(p -> p.getFileName().toString().matches("linkgate-.*\\.tar\\.gz")).findFirst()
          .orElseThrow(() -> new AssertionError("no target/linkgate-*.tar.gz: run after package (mvn verify)"));
    }
  }

  @Test
  void tarballHoldsTheLauncherTheConfigurationTheNodesJarsAndAPluginFolder() throws IOException {
    assertThat(home.getFileName().toString()).startsWith("linkgate-");
    assertThat(Files.getPosixFilePermissions(home.resolve("bin/linkgate"))).contains(PosixFilePermission.OWNER_EXECUTE);
    assertThat(Files.readString(home.resolve("bin/linkgate"))).startsWith("#!/bin/sh");
    assertThat(home.resolve("conf/linkgate.yaml")).hasSameTextualContentAs(Path.of("src/dist/linkgate.yaml"));
    assertThat(home.resolve("conf/logback.xml")).hasSameTextualContentAs(Path.of("src/main/resources/logback.xml"));
    assertThat(Files.readString(home.resolve("conf/linkgate.service")))
        .contains("Restart=on-failure", "LimitNOFILE=", "KillSignal=SIGTERM", "User=linkgate");
    try (Stream<Path> plugins = Files.list(home.resolve("plugins"))) {
      assertThat(plugins.map(p -> p.getFileName().toString())).containsExactly("README.txt");
    }
    try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
      List<String> jars = lib.map(p -> p.getFileName().toString()).toList();
      assertThat(jars)
          .anyMatch(j -> j.startsWith("linkgate-server-assembly-"))
          .anyMatch(j -> j.startsWith("linkgate-transport-tcp-"))
          .anyMatch(j -> j.startsWith("netty-transport-native-epoll-"))
          .doesNotContain("linkgate.jar") // the shaded jar would hold every class a second time
          .allMatch(j -> j.endsWith(".jar"));
    }
  }

  /**
   * The whole operator path: check the shipped configuration through a symlinked launcher, move its
   * ports to free ones (the copy the node runs on is the check's own output), add a plugin jar whose
   * transport is named in {@code transports:}, start, see every port listen, SIGTERM, exit 0.
   */
  @Test
  void unpackedNodeServesWithAPluginTransportAndDrainsOnSigterm() throws Exception {
    Path plugin = home.resolve("plugins/dist-probe.jar");
    writePluginJar(plugin);

    // Through a symlink elsewhere, as /usr/local/bin/linkgate would be.
    Path links = Files.createDirectories(tmp.resolve("links"));
    Files.createSymbolicLink(links.resolve("linkgate"), home.resolve("bin/linkgate"));
    Path link = Files.createSymbolicLink(links.resolve("lg"), Path.of("linkgate")); // a chain, relative
    String effective = run(link, env(), "serve", "--check-config", "--config", home.resolve("conf/linkgate.yaml").toString());
    assertThat(effective).contains("# Valid.").contains("secret: '*****'").doesNotContain("change-me");

    List<Integer> ports = new ArrayList<>();
    ObjectNode config = (ObjectNode) YAML.readTree(effective);
    movePorts(config, ports);
    config.withObjectProperty("auth").put("secret", SECRET);
    int probePort = LoopbackPorts.free();
    ports.add(probePort);
    ObjectNode probe = ((ArrayNode) config.path("transports").path("downlink")).addObject();
    probe.put("transport", ProbeTransportPlugin.NAME);
    probe.putArray("ports").add(probePort);
    Files.writeString(home.resolve("conf/linkgate.yaml"), YAML.writeValueAsString(config));

    Map<String, String> env = env();
    env.put("LINKGATE_BIND_HOST", "127.0.0.1");
    env.put("LINKGATE_SHUTDOWN_GRACE", "2s");
    env.put("LINKGATE_NODE_ID", "dist-it");
    Path log = tmp.resolve("serve.log");
    Process node =
        builder(home.resolve("bin/linkgate"), home, env, "serve", "--config", "conf/linkgate.yaml")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      awaitListening(node, ports, log);
      // LINKGATE_NODE_ID over the file's gateway-1; the startup line comes just after the last port opens.
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(Files.readString(log)).contains("node dist-it started"));

      node.destroy(); // SIGTERM: the graceful drain
      assertThat(node.waitFor(20, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
      assertThat(node.exitValue()).as(Files.readString(log)).isZero();
      assertThat(ports).noneMatch(LoopbackPorts::accepts);
    } finally {
      node.destroyForcibly();
    }
  }

  @Test
  void launcherRespectsJavaOptsAfterItsDefaults() throws Exception {
    // A collector chosen in JAVA_OPTS replaces ZGC (the JVM refuses two); the tool still runs.
    Map<String, String> env = env();
    env.put("JAVA_OPTS", "-XX:+UseSerialGC -Xmx64m");
    String version = run(home.resolve("bin/linkgate"), env, "--version");

    assertThat(version).startsWith("linkgate ").doesNotContain("development build");
  }

  @Test
  void launcherRunsZgcReturningIdleHeapAfterThirtySecondsUnlessJavaOptsSaysOtherwise()
      throws Exception {
    Map<String, String> env = env();
    env.put("JAVA_OPTS", "-Xmx256m -XX:+PrintFlagsFinal");
    String defaults = run(home.resolve("bin/linkgate"), env, "--version");
    env.put("JAVA_OPTS", "-Xmx256m -XX:ZUncommitDelay=300 -XX:+PrintFlagsFinal");
    String overridden = run(home.resolve("bin/linkgate"), env, "--version");

    assertThat(flag(defaults, "UseZGC")).isEqualTo("true");
    assertThat(flag(defaults, "ZUncommitDelay")).isEqualTo("30");
    assertThat(flag(overridden, "ZUncommitDelay")).isEqualTo("300");
  }

  /** A flag's value in the JVM's {@code -XX:+PrintFlagsFinal} table. */
  private static String flag(String flagsTable, String name) {
    return flagsTable
        .lines()
        .map(String::trim)
        .map(l -> l.split("\\s+"))
        .filter(w -> w.length >= 4 && w[1].equals(name) && w[2].equals("="))
        .map(w -> w[3])
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in:\n" + flagsTable));
  }

  private static ProcessBuilder builder(Path launcher, Path cwd, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(launcher.toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    return pb;
  }

  /** Runs a short command and returns its standard output; fails with its log when it fails. */
  private String run(Path launcher, Map<String, String> env, String... args) throws Exception {
    Path err = Files.createTempFile(tmp, "stderr", ".log");
    Process p = builder(launcher, tmp, env, args).redirectError(err.toFile()).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String what = String.join(" ", args);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(what).isTrue();
    assertThat(p.exitValue()).as(what + ":\n" + Files.readString(err)).isZero();
    return out;
  }

  /** A minimal environment: the java to use, a PATH, and no LINKGATE_ variable of the caller's. */
  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("JAVA_OPTS", "-Xmx256m");
    return env;
  }

  /** Every {@code port} and every entry of every {@code ports}, anywhere: a free port instead. */
  private static void movePorts(JsonNode node, List<Integer> moved) throws IOException {
    if (node instanceof ObjectNode object) {
      for (String name : object.properties().stream().map(Map.Entry::getKey).toList()) {
        JsonNode value = object.get(name);
        if (name.equals("port") && value.isInt() && value.asInt() > 0) {
          int port = LoopbackPorts.free();
          moved.add(port);
          object.put(name, port);
        } else if (name.equals("ports") && value instanceof ArrayNode list) {
          for (int i = 0; i < list.size(); i++) {
            int port = LoopbackPorts.free();
            moved.add(port);
            list.set(i, list.numberNode(port));
          }
        } else {
          movePorts(value, moved);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (JsonNode element : array) {
        movePorts(element, moved);
      }
    }
  }

  /** The probe transport's classes and its ServiceLoader entry, as a plugin author ships them. */
  private static void writePluginJar(Path jar) throws IOException, URISyntaxException {
    Path classes = Path.of(ProbeTransportPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    String pkg = ProbeTransportPlugin.class.getPackageName().replace('.', '/');
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file);
        Stream<Path> inPackage = Files.list(classes.resolve(pkg))) {
      for (Path c : inPackage.filter(p -> p.getFileName().toString().startsWith("ProbeTransportPlugin")).toList()) {
        out.putNextEntry(new JarEntry(pkg + "/" + c.getFileName()));
        out.write(Files.readAllBytes(c));
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry("META-INF/services/" + TransportProvider.class.getName()));
      out.write((ProbeTransportPlugin.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
  }

  private static void awaitListening(Process node, List<Integer> ports, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!ports.stream().allMatch(LoopbackPorts::accepts)) {
      if (!node.isAlive()) {
        throw new AssertionError("the node exited (" + node.exitValue() + "):\n" + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not listening on all of " + ports + " within 30 s:\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
  }


}

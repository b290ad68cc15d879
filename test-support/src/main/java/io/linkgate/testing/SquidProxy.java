package io.linkgate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real squid (the Debian package's {@code /usr/sbin/squid}) running in the foreground for one
 * test, configured like a strict corporate proxy: plain HTTP {@code GET}/{@code POST}/{@code
 * OPTIONS} to {@code 127.0.0.1:<allowed ports>} only, {@code CONNECT} denied to everything, nothing
 * else allowed. The HTTP tunnel must work through exactly this kind of proxy, so the tests run the
 * client through it instead of trusting that "HTTP is HTTP".
 *
 * <p>Everything squid writes (config, pid file, {@code cache.log}, {@code access.log}, its
 * stdout/stderr) lives in a fresh directory under {@code /tmp}, handed to user {@code proxy}
 * because squid started as root drops privileges to that user (which is also what lets {@link
 * DirectAccessBlock} tell squid's connections apart from the test JVM's). No disk cache, nothing
 * cached in memory. {@link #start} returns only once squid has logged that it accepts connections
 * and its port answers; {@link #close} kills the process and removes the directory. A JVM that dies
 * without closing leaves a squid behind only until the next {@link #start}, which reaps proxies
 * whose owning JVM is gone. Run the tests as root (CI does): squid then drops to user {@code proxy}.
 * Started by another user, squid keeps that user; it works the same, but {@link DirectAccessBlock}
 * then refuses (it would cut squid off too).
 *
 * <p>Directives chosen so squid behaves like a transparent pipe for a streamed response (see
 * {@link #config}): it forwards each chunk as it arrives (squid never waits to fill a buffer; {@code
 * read_ahead_gap} only bounds how far it reads ahead of a slow client, which keeps back-pressure
 * working), caching and collapsed forwarding are off (two long-polls must never be merged or
 * answered from cache), a client that goes away aborts the upstream fetch at once ({@code
 * quick_abort_*}), and its read timeout (default 10 minutes) outlives the tunnel's 5-minute stream
 * age so squid never cuts a healthy stream.
 */
public final class SquidProxy implements AutoCloseable {

  /** Where the Debian package installs squid. */
  public static final Path SQUID = Path.of("/usr/sbin/squid");

  private static final String DIR_PREFIX = "linkgate-squid-";
  private static final String OWNER_FILE = "owner.pid";
  private static final String READY_LINE = "Accepting HTTP Socket connections";
  private static final int BIND_ATTEMPTS = 3;

  private final Process process;
  private final Path directory;
  private final int port;
  private final Thread shutdownHook;

  private SquidProxy(Process process, Path directory, int port) {
    this.process = process;
    this.directory = directory;
    this.port = port;
    this.shutdownHook = new Thread(this::stop, "squid-" + port + "-reaper");
  }

  /** Starts squid allowing plain HTTP to {@code 127.0.0.1:<allowedPorts>}, default timeouts. */
  public static SquidProxy start(int... allowedPorts) {
    return builder().allowPorts(allowedPorts).start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options for {@link SquidProxy}; defaults suit the tunnel tests. */
  public static final class Builder {
    private int[] allowedPorts = new int[0];
    private Duration readTimeout = Duration.ofMinutes(10);
    private Duration startupTimeout = Duration.ofSeconds(20);
    private int port;

    private Builder() {}

    /** The origin ports on 127.0.0.1 squid may forward to (required, at least one). */
    public Builder allowPorts(int... ports) {
      this.allowedPorts = ports.clone();
      return this;
    }

    /**
     * squid's {@code read_timeout}: how long it waits for the next byte from the origin before
     * giving up on a response (whole seconds; default 10 minutes). Lower it to prove that
     * heartbeats keep an otherwise idle stream alive.
     */
    public Builder readTimeout(Duration timeout) {
      if (timeout.toSeconds() < 1) {
        throw new IllegalArgumentException("readTimeout: squid counts whole seconds, got " + timeout);
      }
      this.readTimeout = timeout;
      return this;
    }

    public Builder startupTimeout(Duration timeout) {
      this.startupTimeout = timeout;
      return this;
    }

    /**
     * Listens on this port of 127.0.0.1 instead of a free one: brings a proxy back at the address
     * its clients were given, as a proxy restart or failover does. The default, 0, picks a free
     * port.
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: not a port: " + port);
      }
      this.port = port;
      return this;
    }

    public SquidProxy start() {
      if (allowedPorts.length == 0) {
        throw new IllegalArgumentException("allowPorts: give at least one origin port");
      }
      for (int allowed : allowedPorts) {
        if (allowed <= 0 || allowed > 65535) {
          throw new IllegalArgumentException("allowPorts: not a port: " + allowed);
        }
      }
      if (!Files.isExecutable(SQUID)) {
        throw new IllegalStateException(
            SQUID + " not found: install the Debian package squid (apt-get install squid;"
                + " .ci/run does)");
      }
      reapOrphans();
      if (port != 0) {
        return launch(this, port); // the caller's port: nothing else to try if it is taken
      }
      IllegalStateException lastFailure = null;
      // The free port is found by binding port 0 and releasing it, so another process may grab it
      // before squid binds it; squid then exits with "Address already in use" and we try again.
      for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
        try {
          return launch(this, freePort());
        } catch (PortTakenException e) {
          lastFailure = e;
        }
      }
      throw lastFailure;
    }
  }

  /** squid's listening address, 127.0.0.1. */
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  public int port() {
    return port;
  }

  /** A selector sending every request through this squid, for {@code HttpClient.Builder.proxy}. */
  public ProxySelector proxySelector() {
    return ProxySelector.of(address());
  }

  public long pid() {
    return process.pid();
  }

  /**
   * The effective uid squid runs as (from {@code /proc}); {@code 13} ({@code proxy}) when this JVM
   * runs as root.
   */
  public long processUid() {
    return ProcessUids.effectiveUid(process.pid());
  }

  /** squid's access log so far: one line per request with the status it answered. */
  public String accessLog() {
    return readQuietly(directory.resolve("access.log"));
  }

  /** The tail of squid's own log and console output, for failure messages. */
  public String diagnostics() {
    return "--- " + directory.resolve("cache.log") + " ---\n"
        + tail(readQuietly(directory.resolve("cache.log")), 60)
        + "--- squid stdout/stderr ---\n"
        + tail(readQuietly(directory.resolve("squid.out")), 20)
        + "--- access.log ---\n"
        + tail(accessLog(), 30);
  }

  /**
   * Stops squid dead ({@code SIGSTOP}) without closing anything, as a hung proxy: its connections
   * stay open, and bytes sent to it wait unread in its sockets. {@link #close} still kills it.
   */
  public void freeze() {
    List<String> kill = new ArrayList<>(List.of("kill", "-STOP", Long.toString(process.pid())));
    process.descendants().forEach(p -> kill.add(Long.toString(p.pid())));
    try {
      Process stop = new ProcessBuilder(kill).redirectErrorStream(true).start();
      String output = new String(stop.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!stop.waitFor(10, TimeUnit.SECONDS) || stop.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", kill) + " failed: " + output.trim());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted freezing squid", e);
    }
  }

  /**
   * Bytes the origin on {@code 127.0.0.1:originPort} sent that squid has not read yet: the receive
   * queues of squid's connections to that port, from {@code /proc/net/tcp}. With squid {@link
   * #freeze frozen}, this is how a test knows a response reached the proxy and stuck there.
   */
  public long unreadBytesFrom(int originPort) {
    String loopbackToPort = String.format("0100007F:%04X", originPort);
    long uid = processUid();
    long unread = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
        // "sl local rem st tx_queue:rx_queue tr:when retrnsmt uid ..."
        String[] f = line.trim().split("\\s+");
        if (f.length > 7 && f[2].equals(loopbackToPort) && f[3].equals("01")
            && Long.parseLong(f[7]) == uid) {
          unread += Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/net/tcp", e);
    }
    return unread;
  }

  /** Kills squid and deletes its directory; fails if a squid process of this instance survives. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to; stop() is idempotent
    }
    stop();
    List<ProcessHandle> left = processesUsing(directory);
    if (!left.isEmpty()) {
      throw new IllegalStateException("squid processes survived close(): " + describe(left));
    }
  }

  @Override
  public String toString() {
    return "squid pid " + process.pid() + " on 127.0.0.1:" + port + " (" + directory + ")";
  }

  // --- starting --------------------------------------------------------------------------------

  private static SquidProxy launch(Builder options, int port) {
    Path directory = createDirectory();
    Path config = directory.resolve("squid.conf");
    Process process;
    try {
      Files.writeString(config, config(directory, port, options));
      Files.writeString(directory.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
      process = new ProcessBuilder(SQUID.toString(), "-N", "-f", config.toString())
          .directory(directory.toFile())
          .redirectErrorStream(true)
          .redirectOutput(directory.resolve("squid.out").toFile())
          .start();
    } catch (IOException e) {
      deleteRecursively(directory);
      throw new UncheckedIOException("cannot start " + SQUID, e);
    }
    SquidProxy proxy = new SquidProxy(process, directory, port);
    Runtime.getRuntime().addShutdownHook(proxy.shutdownHook);
    try {
      proxy.awaitReady(options.startupTimeout);
      return proxy;
    } catch (RuntimeException e) {
      String diagnostics = proxy.diagnostics();
      RuntimeException failure = diagnostics.contains("Address already in use")
          ? new PortTakenException(port, diagnostics)
          : new IllegalStateException(e.getMessage() + "\n" + diagnostics, e);
      try {
        proxy.close();
      } catch (RuntimeException cleanup) {
        failure.addSuppressed(cleanup);
      }
      throw failure;
    }
  }

  /**
   * The whole squid configuration. Only directives that matter are set; everything else is the
   * compiled-in default of squid 5.
   */
  public static String config(Path dir, int port, Builder options) {
    String ports = Arrays.stream(options.allowedPorts)
        .mapToObj(Integer::toString)
        .collect(Collectors.joining(" "));
    boolean root = ProcessUids.effectiveUid(ProcessHandle.current().pid()) == 0;
    return String.join("\n",
        "# generated by " + SquidProxy.class.getName(),
        "http_port 127.0.0.1:" + port,
        "visible_hostname linkgate-test-squid",
        // Started as root, squid drops to this user: the files below belong to it, and
        // DirectAccessBlock relies on squid's sockets not belonging to the test JVM's user.
        root ? "cache_effective_user proxy" : "# not root: squid keeps this JVM's user",
        "pid_filename " + dir.resolve("squid.pid"),
        "cache_log " + dir.resolve("cache.log"),
        "access_log stdio:" + dir.resolve("access.log"),
        "coredump_dir " + dir,
        "netdb_filename none",
        "logfile_rotate 0",
        // Show query strings (device_id, resume_from_seq, session_id) in access.log.
        "strip_query_terms off",
        // Container fd limits can be ~1M; squid sizes its tables by it.
        "max_filedescriptors 4096",
        "pinger_enable off",
        "icp_port 0",
        "htcp_port 0",
        "digest_generation off",
        "",
        "# Nothing is cached: no cache_dir (no disk cache), and no response is stored in memory.",
        "cache deny all",
        "cache_mem 8 MB",
        "memory_pools off",
        "# Two identical long-poll GETs must each reach the origin, never be merged.",
        "collapsed_forwarding off",
        "# squid sends each piece of a response on as soon as it has read it; this only bounds how",
        "# far it reads ahead of a slow client, so a stalled reader back-pressures the origin.",
        "read_ahead_gap 16 KB",
        "# A client that goes away (forced reconnect) aborts the upstream request at once, so the",
        "# origin sees its stream end instead of squid draining it.",
        "quick_abort_min 0 KB",
        "quick_abort_max 0 KB",
        "half_closed_clients off",
        "# Keep-alive both sides, like real proxies.",
        "client_persistent_connections on",
        "server_persistent_connections on",
        "# Idle limit between bytes from the origin; longer than the stream max age (5 min).",
        "read_timeout " + options.readTimeout.toSeconds() + " seconds",
        "# Headers a real proxy adds; the tunnel must ignore them.",
        "via on",
        "forwarded_for on",
        "",
        "acl tunnel_dst dst 127.0.0.1",
        "acl tunnel_ports port " + ports,
        "acl tunnel_methods method GET POST OPTIONS",
        "acl plain_http proto HTTP",
        "acl CONNECT method CONNECT",
        "http_access deny CONNECT",
        "http_access allow plain_http tunnel_dst tunnel_ports tunnel_methods",
        "http_access deny all",
        "");
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Path cacheLog = directory.resolve("cache.log");
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "squid exited during startup with code " + process.exitValue());
      }
      // The log line proves squid (not some other process) owns the port; the connect proves
      // it is listening already.
      if (readQuietly(cacheLog).contains(READY_LINE) && accepts()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "squid did not accept connections on 127.0.0.1:" + port + " within " + timeout);
      }
      try {
        process.waitFor(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for squid", e);
      }
    }
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(address(), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A fresh directory under /tmp (not java.io.tmpdir, which may sit under a home directory that
   * user {@code proxy} cannot traverse), owned by {@code proxy} when we are root.
   */
  private static Path createDirectory() {
    try {
      Path dir = Files.createTempDirectory(Path.of("/tmp"), DIR_PREFIX);
      if (ProcessUids.effectiveUid(ProcessHandle.current().pid()) == 0) {
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal proxyUser = users.lookupPrincipalByName("proxy");
        GroupPrincipal proxyGroup = users.lookupPrincipalByGroupName("proxy");
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        view.setOwner(proxyUser);
        view.setGroup(proxyGroup);
      }
      return dir;
    } catch (UserPrincipalNotFoundException e) {
      throw new IllegalStateException(
          "no user 'proxy': install the Debian package squid (it creates that user)", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create squid's directory under /tmp", e);
    }
  }

  // --- stopping --------------------------------------------------------------------------------

  /**
   * SIGKILL straight away: squid's graceful shutdown takes about 2 s even with {@code
   * shutdown_lifetime 0}, and there is nothing to save (no cache, unbuffered logs). With this
   * config squid has no helper processes, but any descendant is killed too.
   */
  private void stop() {
    List<ProcessHandle> children = process.descendants().collect(Collectors.toList());
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    awaitExit(process.toHandle());
    children.forEach(SquidProxy::awaitExit);
    killAll(processesUsing(directory));
    deleteRecursively(directory);
  }

  /** Kills squids left by JVMs that died without closing them (e.g. a killed surefire fork). */
  private static void reapOrphans() {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/tmp"), DIR_PREFIX + "*")) {
      for (Path dir : dirs) {
        String owner = readQuietly(dir.resolve(OWNER_FILE)).trim();
        boolean ownerAlive = !owner.isEmpty()
            && ProcessHandle.of(Long.parseLong(owner)).map(ProcessHandle::isAlive).orElse(false);
        if (!owner.isEmpty() && !ownerAlive) {
          killAll(processesUsing(dir));
          deleteRecursively(dir);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // best effort: a leftover squid only wastes a port, it never breaks a test
    }
  }

  /** squid processes whose command line names a file in {@code dir}. */
  private static List<ProcessHandle> processesUsing(Path dir) {
    String marker = dir.toString() + "/";
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      return all.filter(p -> p.info().command().map(c -> c.endsWith("squid")).orElse(false))
          .filter(p -> p.info().arguments()
              .map(args -> Arrays.stream(args).anyMatch(a -> a.startsWith(marker)))
              .orElse(false))
          .collect(Collectors.toList());
    }
  }

  private static void killAll(List<ProcessHandle> processes) {
    processes.forEach(ProcessHandle::destroyForcibly);
    processes.forEach(SquidProxy::awaitExit);
  }

  private static void awaitExit(ProcessHandle handle) {
    try {
      handle.onExit().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // reported by close() through processesUsing()
    }
  }

  private static String describe(List<ProcessHandle> processes) {
    return processes.stream()
        .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
        .collect(Collectors.joining(", "));
  }

  // --- files -----------------------------------------------------------------------------------

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "";
    }
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().collect(Collectors.toList());
    List<String> last = new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size()));
    return last.isEmpty() ? "(empty)\n" : String.join("\n", last) + "\n";
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // best effort: /tmp is cleaned eventually
        }
      });
    } catch (IOException e) {
      // best effort
    }
  }

  /** squid could not bind the port it was given because someone took it first. */
  private static final class PortTakenException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    PortTakenException(int port, String diagnostics) {
      super("127.0.0.1:" + port + " was taken before squid could bind it\n" + diagnostics);
    }
  }
}

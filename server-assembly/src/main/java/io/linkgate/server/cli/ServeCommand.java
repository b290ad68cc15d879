package io.linkgate.server.cli;

import io.linkgate.server.LinkgateConfig;
import io.linkgate.server.LinkgateServer;
import io.linkgate.server.WarmHeap;
import io.linkgate.server.internal.AuthSecret;
import io.linkgate.server.internal.ConfigCheck;
import io.linkgate.server.internal.ConfigEnvironment;
import io.linkgate.server.internal.ConfigLoader;
import io.linkgate.server.internal.EffectiveConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs a node until SIGTERM (or Ctrl-C), then drains it: the shutdown hook is the graceful path.
 * With {@code --check-config}, checks the configuration as a start would and prints it instead.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run a Linkgate node. Without --config, runs on defaults: downlink on TCP 7100, HTTP tunnel 8080,"
          + " gRPC 7300; uplink on TCP 7200, HTTP tunnel 8081, gRPC 7301.",
      "Every value key can also be set by an environment variable, which wins over the file:"
          + " LINKGATE_ and the key path upper-cased, '.' and '-' as '_' (store.uri: LINKGATE_STORE_URI)."
    })
final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Spec CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration file")
  Path config;

  @Option(
      names = "--check-config",
      description =
          "Check the configuration (the file and the LINKGATE_* environment) as a start would, print the"
              + " effective configuration with secrets masked, and exit without starting: 0 when it is valid.")
  boolean checkConfig;

  /** The environment configuration and the auth secret are read from; tests put a map here. */
  Map<String, String> env = System.getenv();

  @Override
  public Integer call() throws Exception {
    ConfigEnvironment environment = ConfigEnvironment.read(env);
    LinkgateConfig cfg = ConfigLoader.load(config, environment);
    if (checkConfig) {
      return check(cfg, environment);
    }
    if (config == null) {
      log.info("no --config given: running on defaults");
    }
    if (!environment.isEmpty()) {
      log.info("configuration from the environment: {}", String.join(", ", environment.variables()));
    }
    WarmHeap.startIfZgc(); // for the life of the process: a node is the process
    LinkgateServer server = LinkgateServer.start(cfg);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> drain(server), "linkgate-sigterm"));
    server.awaitTermination();
    return 0;
  }

  /**
   * The shutdown hook. After a SIGTERM the JVM exits with 143 (128 + the signal) even when every
   * hook went well; a node that drained completely exits 0 instead, which is what service managers
   * read as a clean stop. A shutdown the hook did not start (System.exit elsewhere) keeps its status.
   */
  private static void drain(LinkgateServer server) {
    boolean startedHere = server.isRunning();
    server.close();
    if (startedHere && server.shutdown().toCompletableFuture().isDone()) {
      Runtime.getRuntime().halt(0);
    }
  }

  private int check(LinkgateConfig cfg, ConfigEnvironment environment) {
    AuthSecret secret = ConfigCheck.check(cfg, env, Thread.currentThread().getContextClassLoader());
    PrintWriter out = spec.commandLine().getOut();
    String from = config == null ? "no file (defaults)" : config.toString();
    if (!environment.isEmpty()) {
      from += ", then the environment (" + String.join(", ", environment.variables()) + ")";
    }
    out.println("# Valid. Effective configuration from " + from + ":");
    out.println("# every default filled in, secrets masked (" + EffectiveConfig.MASK + ").");
    out.println("# auth.secret: " + ConfigCheck.describeSource(secret));
    out.println("# node-id and advertise-host, when not set, are machine defaults (a new node-id suffix at each start).");
    out.print(EffectiveConfig.yaml(cfg));
    out.flush();
    return 0;
  }
}

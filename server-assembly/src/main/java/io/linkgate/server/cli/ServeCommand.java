package io.linkgate.server.cli;

import io.linkgate.server.LinkgateConfig;
import io.linkgate.server.LinkgateServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs a node until SIGTERM (or Ctrl-C), then drains it: the shutdown hook is the graceful path. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Run a Linkgate node. Without --config, runs on defaults: downlink on TCP 7100, HTTP tunnel 8080,"
            + " gRPC 7300; uplink on TCP 7200, HTTP tunnel 8081, gRPC 7301.")
final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "YAML configuration file")
  Path config;

  @Override
  public Integer call() throws Exception {
    LinkgateConfig cfg;
    if (config == null) {
      log.info("no --config given: running on defaults");
      cfg = LinkgateConfig.defaults();
    } else {
      cfg = LinkgateConfig.load(config);
    }
    LinkgateServer server = LinkgateServer.start(cfg);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "linkgate-sigterm"));
    server.awaitTermination();
    return 0;
  }
}

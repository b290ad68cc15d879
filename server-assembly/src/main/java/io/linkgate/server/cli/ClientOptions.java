package io.linkgate.server.cli;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.client.Endpoints;
import io.linkgate.client.LinkgateClient;
import io.linkgate.router.Hs256Authenticator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Who the client commands act as and where the node is; shared by {@code listen} and {@code send}. */
final class ClientOptions {
  private static final Duration MINTED_TOKEN_TTL = Duration.ofHours(24);

  @Option(names = "--user", paramLabel = "ID", description = "act as this user, with a token minted here")
  String user;

  @Option(names = "--token", paramLabel = "T", description = "act with this token instead of --user")
  String token;

  @Option(
      names = "--secret",
      paramLabel = "S",
      description = "secret for minting the --user token; default: $LINKGATE_AUTH_SECRET, else the development secret")
  String secret;

  @Option(names = "--server", paramLabel = "HOST", defaultValue = "localhost", description = "node host (default: ${DEFAULT-VALUE})")
  String server;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "7100", description = "downlink port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--uplink-port", paramLabel = "PORT", defaultValue = "7200", description = "uplink port (default: ${DEFAULT-VALUE})")
  int uplinkPort;

  @Option(names = "--transport", paramLabel = "NAME", defaultValue = "tcp", description = "transport (default: ${DEFAULT-VALUE})")
  String transport;

  @Option(names = "--device", paramLabel = "D", description = "device id (default: cli- and a random suffix)")
  String device;

  /** A builder with the identity set; the command adds the endpoints and listeners it needs. */
  LinkgateClient.Builder clientBuilder(CommandSpec spec) {
    return LinkgateClient.builder()
        .token(token(spec))
        .deviceId(device != null ? device : "cli-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000)));
  }

  private String token(CommandSpec spec) {
    if ((user == null) == (token == null)) {
      throw new ParameterException(spec.commandLine(), "give exactly one of --user ID or --token T");
    }
    if (token != null) {
      return token;
    }
    return Hs256Authenticator.mint(Secrets.resolve(secret, spec).bytes(), user, MINTED_TOKEN_TTL);
  }

  List<Endpoint> downlinks() {
    return List.of(Endpoints.of(transport, Role.DOWNLINK, server, port));
  }

  List<Endpoint> uplinks() {
    return List.of(Endpoints.of(transport, Role.UPLINK, server, uplinkPort));
  }
}

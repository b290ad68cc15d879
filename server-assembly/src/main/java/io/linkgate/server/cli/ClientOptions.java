package io.linkgate.server.cli;

import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.client.Endpoints;
import io.linkgate.client.LinkgateClient;
import io.linkgate.router.Hs256Authenticator;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "downlink port (default: the transport's default port: tcp 7100, http-tunnel 8080, grpc 7300)")
  Integer port;

  @Option(
      names = "--uplink-port",
      paramLabel = "PORT",
      description = "uplink port (default: the uplink transport's default port: tcp 7200, http-tunnel 8081, grpc 7301)")
  Integer uplinkPort;

  @Option(
      names = "--transport",
      paramLabel = "NAME",
      defaultValue = "tcp",
      description = "transport: tcp, http-tunnel or grpc (default: ${DEFAULT-VALUE})")
  String transport;

  @Option(
      names = "--uplink-transport",
      paramLabel = "NAME",
      description = "a different transport for the uplink (default: --transport)")
  String uplinkTransport;

  @Option(
      names = "--proxy",
      paramLabel = "HOST:PORT",
      converter = ProxyAddressConverter.class,
      description = "HTTP proxy for transports that can use one (http-tunnel); default: the JVM's proxy settings")
  InetSocketAddress proxy;

  @Option(names = "--device", paramLabel = "D", description = "device id (default: cli- and a random suffix)")
  String device;

  @Option(
      names = "--dispatch",
      paramLabel = "URL",
      split = ",",
      description = "ask these dispatch URLs (http://host:7000, comma-separated, tried in turn) where to connect; "
          + "--server/--port then only serve when dispatch cannot be reached")
  List<URI> dispatch;

  @Option(
      names = "--network",
      paramLabel = "NAME",
      description = "this network's name (wifi, cell:46001...): winners are remembered and reported per network")
  String network;

  /** A builder with the identity set; the command adds the endpoints and listeners it needs. */
  LinkgateClient.Builder clientBuilder(CommandSpec spec) {
    ClientTransportOptions defaults = ClientTransportOptions.defaults();
    return LinkgateClient.builder()
        .transportOptions(
            new ClientTransportOptions(
                defaults.maxFrameBytes(),
                defaults.connectTimeout(),
                Optional.ofNullable(proxy),
                defaults.trustAllCertificates(),
                defaults.options()))
        .dispatch(dispatch == null ? new URI[0] : dispatch.toArray(URI[]::new))
        .network(network != null ? network : "default")
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
    int p = port != null ? port : DefaultPorts.of(transport, Role.DOWNLINK);
    return List.of(Endpoints.of(transport, Role.DOWNLINK, server, p));
  }

  List<Endpoint> uplinks() {
    String t = uplinkTransport != null ? uplinkTransport : transport;
    int p = uplinkPort != null ? uplinkPort : DefaultPorts.of(t, Role.UPLINK);
    return List.of(Endpoints.of(t, Role.UPLINK, server, p));
  }
}

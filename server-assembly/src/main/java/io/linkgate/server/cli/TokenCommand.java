package io.linkgate.server.cli;

import io.linkgate.router.Hs256Authenticator;
import io.linkgate.server.internal.AuthSecret;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Mints a development token. Prints only the token, so {@code $(linkgate token --user bob)} works. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Print an HS256 token for a user (development and tests).")
final class TokenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--user", required = true, paramLabel = "ID", description = "the user id (the token's sub)")
  String user;

  @Option(
      names = "--secret",
      paramLabel = "S",
      description = "the node's secret; default: $LINKGATE_AUTH_SECRET, else the development secret")
  String secret;

  @Option(
      names = "--ttl",
      paramLabel = "DURATION",
      defaultValue = "24h",
      converter = DurationConverter.class,
      description = "how long the token is valid (default: ${DEFAULT-VALUE})")
  Duration ttl;

  @Override
  public Integer call() {
    AuthSecret s = Secrets.resolve(secret, spec);
    spec.commandLine().getOut().println(Hs256Authenticator.mint(s.bytes(), user, ttl));
    spec.commandLine().getOut().flush();
    return 0;
  }
}

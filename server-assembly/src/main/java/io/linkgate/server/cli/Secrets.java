package io.linkgate.server.cli;

import io.linkgate.server.internal.AuthSecret;
import picocli.CommandLine.Model.CommandSpec;

/** The secret the client commands sign tokens with: the same lookup as the node's. */
final class Secrets {
  private Secrets() {}

  static AuthSecret resolve(String option, CommandSpec spec) {
    AuthSecret s = AuthSecret.resolve(option, "--secret", System.getenv());
    if (s.isDevelopment()) {
      spec.commandLine().getErr().println("note: signing with the built-in development secret (no --secret, no $LINKGATE_AUTH_SECRET)");
      spec.commandLine().getErr().flush();
    }
    return s;
  }
}

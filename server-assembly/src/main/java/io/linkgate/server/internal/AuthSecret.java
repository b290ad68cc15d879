package io.linkgate.server.internal;

import io.linkgate.server.AuthConfig;
import io.linkgate.server.ConfigException;
import io.linkgate.router.Hs256Authenticator;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The HS256 secret a node verifies tokens with, and where it came from. The same lookup serves the
 * server and the CLI, so a token minted with {@code linkgate token} on the same machine verifies on
 * a node started with {@code linkgate serve} and no configuration.
 *
 * <p>Order: the configured value, then {@code LINKGATE_AUTH_SECRET}, then {@link #DEVELOPMENT}.
 */
public record AuthSecret(String value, String source) {
  /**
   * Public on purpose: it makes a two-terminal quick start work with nothing set up. A node using
   * it warns loudly at startup.
   */
  public static final String DEVELOPMENT = "linkgate-development-secret-not-for-production-use";

  public static final String SOURCE_DEVELOPMENT = "built-in development secret";

  public boolean isDevelopment() {
    return source.equals(SOURCE_DEVELOPMENT);
  }

  public byte[] bytes() {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /** Resolves the secret; {@code configured} may be null. */
  public static AuthSecret resolve(String configured, String configuredSource, Map<String, String> env) {
    if (configured != null && !configured.isEmpty()) {
      check(configured, configuredSource);
      return new AuthSecret(configured, configuredSource);
    }
    String fromEnv = env.get(AuthConfig.SECRET_ENV);
    if (fromEnv != null && !fromEnv.isEmpty()) {
      check(fromEnv, "environment variable " + AuthConfig.SECRET_ENV);
      return new AuthSecret(fromEnv, "environment variable " + AuthConfig.SECRET_ENV);
    }
    return new AuthSecret(DEVELOPMENT, SOURCE_DEVELOPMENT);
  }

  private static void check(String secret, String source) {
    int bytes = secret.getBytes(StandardCharsets.UTF_8).length;
    if (bytes < Hs256Authenticator.MIN_SECRET_BYTES) {
      throw new ConfigException(
          "the secret from " + source + " is " + bytes + " bytes; HS256 needs at least "
              + Hs256Authenticator.MIN_SECRET_BYTES);
    }
  }

  /** Keeps the secret out of logs. */
  @Override
  public String toString() {
    return "AuthSecret[from " + source + "]";
  }
}

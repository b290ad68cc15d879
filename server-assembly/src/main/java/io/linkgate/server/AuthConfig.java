package io.linkgate.server;

import io.linkgate.router.Hs256Authenticator;
import java.nio.charset.StandardCharsets;

/**
 * How client tokens are verified: HS256 JWTs signed with {@code secret}.
 *
 * @param secret the shared HMAC secret, at least 32 bytes; null to take it from the environment
 *     variable {@code LINKGATE_AUTH_SECRET}, or else a fixed development secret (with a loud warning
 *     at startup)
 */
public record AuthConfig(String secret) {
  /** The environment variable read when the file sets no secret. */
  public static final String SECRET_ENV = "LINKGATE_AUTH_SECRET";

  public AuthConfig {
    if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < Hs256Authenticator.MIN_SECRET_BYTES) {
      throw new ConfigException(
          "auth secret must be at least " + Hs256Authenticator.MIN_SECRET_BYTES + " bytes for HS256, got "
              + secret.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  /** Keeps the secret out of logs. */
  @Override
  public String toString() {
    return "AuthConfig[secret=" + (secret == null ? "<unset>" : "<set>") + "]";
  }
}

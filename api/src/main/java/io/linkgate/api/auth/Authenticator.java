package io.linkgate.api.auth;

import java.util.concurrent.CompletionStage;

/**
 * Turns a client's token into the identity every frame of its connections acts as. The user id
 * comes only from here: a client never names itself.
 *
 * <p>Called on transport threads: an implementation that must do I/O completes the stage later
 * and never blocks.
 */
public interface Authenticator {
  /**
   * Verifies {@code token}.
   *
   * @return the identity, or a stage failed with a {@link io.linkgate.api.GatewayException} of code
   *     {@code UNAUTHENTICATED} (or {@code FORBIDDEN}) whose message says why
   */
  CompletionStage<Identity> authenticate(String token);
}

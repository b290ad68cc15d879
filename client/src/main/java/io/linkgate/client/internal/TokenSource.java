package io.linkgate.client.internal;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The app's token, fixed or from a supplier. A refused token is retried only if the supplier then
 * hands out a different one: that is what stops a client with a bad token from hammering the server.
 */
final class TokenSource {
  private final Supplier<String> supplier;
  private final boolean refreshable;

  TokenSource(Supplier<String> supplier, boolean refreshable) {
    this.supplier = supplier;
    this.refreshable = refreshable;
  }

  /** The token for the next Hello. Called on the scheduler thread. */
  String current() {
    String token;
    try {
      token = supplier.get();
    } catch (RuntimeException e) {
      throw new GatewayException(
          ErrorCode.UNAUTHENTICATED, "the token supplier failed: " + e.getMessage());
    }
    if (token == null || token.isEmpty()) {
      throw new GatewayException(ErrorCode.UNAUTHENTICATED, "the token supplier returned no token");
    }
    return token;
  }

  /** A token other than {@code refused}, if the supplier has one now. */
  Optional<String> replacementFor(String refused) {
    if (!refreshable) {
      return Optional.empty();
    }
    try {
      String fresh = supplier.get();
      return fresh == null || fresh.isEmpty() || fresh.equals(refused)
          ? Optional.empty()
          : Optional.of(fresh);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}

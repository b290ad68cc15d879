package io.linkgate.api.auth;

import java.util.Objects;

/** Who a connection acts as. */
public record Identity(String userId) {
  public Identity {
    Objects.requireNonNull(userId, "userId");
    if (userId.isEmpty()) {
      throw new IllegalArgumentException("empty user id");
    }
  }
}

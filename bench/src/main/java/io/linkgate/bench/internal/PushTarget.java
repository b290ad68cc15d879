package io.linkgate.bench.internal;

/**
 * A server under test, seen from the pushing thread inside the server process: Linkgate's router
 * or the raw Netty baseline. Users are numbered {@code 0..n-1}; user {@code i} is {@link
 * #userId(int)} and holds exactly one downlink.
 */
public interface PushTarget extends AutoCloseable {
  /** The port the downlinks connect to. */
  int port();

  /** Downlinks that completed the handshake and are still open. */
  int connected();

  /** Delivers one message to user {@code user}, flushed on its own. */
  void push(int user, byte[] payload);

  /** Delivers {@code payloads} to user {@code user} in order, flushed together where possible. */
  void pushBurst(int user, byte[][] payloads);

  @Override
  void close();

  static String userId(int user) {
    return String.format("u%07d", user);
  }

  /** The inverse of {@link #userId(int)}; -1 for anything else. */
  static int userIndex(String userId) {
    if (userId.length() != 8 || userId.charAt(0) != 'u') {
      return -1;
    }
    try {
      return Integer.parseInt(userId, 1, 8, 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}

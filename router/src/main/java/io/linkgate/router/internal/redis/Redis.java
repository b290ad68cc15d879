package io.linkgate.router.internal.redis;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/** Small helpers shared by the Redis store's parts. */
final class Redis {
  private Redis() {}

  /**
   * Fails {@code stage} with {@code UNAVAILABLE} when Redis failed it (down, timed out, refused), so
   * that clients see a retryable error instead of an internal one, and nothing is acknowledged.
   */
  static <T> CompletionStage<T> unavailableOnFailure(CompletionStage<T> stage, String what) {
    return stage.exceptionallyCompose(
        err -> {
          Throwable cause = unwrap(err);
          if (cause instanceof GatewayException) {
            return CompletableFuture.failedFuture(cause);
          }
          return CompletableFuture.failedFuture(
              new GatewayException(
                  ErrorCode.UNAVAILABLE, what + ": message store unavailable (" + cause.getMessage() + ")"));
        });
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static byte[] decimal(long v) {
    return utf8(Long.toString(v));
  }

  /** {@code <length>:<bytes>}, the framing of the fields of a notice. */
  static byte[] lengthPrefixed(byte[] value) {
    byte[] out = new byte[prefixedSize(value.length)];
    putLengthPrefixed(out, 0, value);
    return out;
  }

  /** How many bytes {@code <length>:<bytes>} takes for a value of {@code length} bytes. */
  static int prefixedSize(int length) {
    return digits(length) + 1 + length;
  }

  /**
   * Writes {@code <length>:<bytes>} at {@code at} (room for {@link #prefixedSize} bytes), without
   * the temporary strings of formatting the length: a push pays this once per field.
   *
   * @return the position after it
   */
  static int putLengthPrefixed(byte[] out, int at, byte[] value) {
    int d = digits(value.length);
    int v = value.length;
    for (int i = at + d - 1; i >= at; i--) {
      out[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    out[at + d] = ':';
    System.arraycopy(value, 0, out, at + d + 1, value.length);
    return at + d + 1 + value.length;
  }

  private static int digits(int v) {
    int d = 1;
    while (v >= 10) {
      v /= 10;
      d++;
    }
    return d;
  }
}

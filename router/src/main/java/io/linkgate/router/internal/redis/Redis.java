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
    byte[] len = utf8(value.length + ":");
    byte[] out = new byte[len.length + value.length];
    System.arraycopy(len, 0, out, 0, len.length);
    System.arraycopy(value, 0, out, len.length, value.length);
    return out;
  }
}

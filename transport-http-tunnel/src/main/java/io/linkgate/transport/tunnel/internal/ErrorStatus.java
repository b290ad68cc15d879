package io.linkgate.transport.tunnel.internal;

import io.linkgate.api.proto.ErrorCode;

/**
 * How error codes and HTTP statuses map onto each other. The server picks the status of a refusal
 * from its code; the client reads a status without a Linkgate body (a proxy's own error page, say)
 * back as a code.
 */
public final class ErrorStatus {
  private ErrorStatus() {}

  /** The status an error response with {@code code} carries. */
  public static int of(ErrorCode code) {
    return switch (code) {
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case BAD_FRAME, INVALID_ARGUMENT -> 400;
      case FRAME_TOO_LARGE -> 413;
      case RATE_LIMITED -> 429;
      case UNAVAILABLE, SLOW_CONSUMER -> 503;
      case TIMEOUT -> 408;
      case RESYNC_REQUIRED -> 409;
      default -> 500;
    };
  }

  /** The code for an HTTP error status that came without a Linkgate error body. */
  public static ErrorCode codeOf(int status) {
    return switch (status) {
      case 400 -> ErrorCode.BAD_FRAME;
      case 401 -> ErrorCode.UNAUTHENTICATED;
      case 403 -> ErrorCode.FORBIDDEN;
      case 408 -> ErrorCode.TIMEOUT;
      case 413, 414, 431 -> ErrorCode.FRAME_TOO_LARGE;
      case 429 -> ErrorCode.RATE_LIMITED;
      case 502, 503, 504 -> ErrorCode.UNAVAILABLE;
      default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_ARGUMENT;
    };
  }

  /** Refusals that a retry with the same credentials will not change. */
  public static boolean isRefusal(ErrorCode code) {
    return code == ErrorCode.UNAUTHENTICATED || code == ErrorCode.FORBIDDEN;
  }
}

package io.linkgate.client.internal;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ConnectResult;
import io.linkgate.api.proto.ErrorCode;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** How the client reads the failures transports hand it. */
final class Failures {
  private Failures() {}

  /** The failure behind completion wrappers. */
  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** The server refused who we are: retrying with the same token cannot help. */
  static boolean isRefusal(Throwable t) {
    return unwrap(t) instanceof GatewayException g && isRefusal(g.code());
  }

  static boolean isRefusal(ErrorCode code) {
    return code == ErrorCode.UNAUTHENTICATED || code == ErrorCode.FORBIDDEN;
  }

  /** How a failed attempt is reported to dispatch: timeouts apart from refusals and resets. */
  static ConnectResult resultOf(Throwable t) {
    Throwable c = unwrap(t);
    return c instanceof TimeoutException || c.getClass().getSimpleName().contains("Timeout")
        ? ConnectResult.TIMED_OUT
        : ConnectResult.FAILED;
  }

  /** One line for logs and state reasons, no stack trace. */
  static String describe(Throwable t) {
    Throwable c = unwrap(t);
    if (c instanceof GatewayException g) {
      return g.code() + ": " + g.getMessage();
    }
    String m = c.getMessage();
    return c.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}

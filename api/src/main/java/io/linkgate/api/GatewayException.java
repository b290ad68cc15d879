package io.linkgate.api;

import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;

/**
 * A failure that the peer is told about as an {@code Error} frame. Thrown, or used to complete a
 * stage exceptionally, anywhere between a transport and the router. Carries no stack trace: it
 * reports a client's mistake or a refused request, not a bug.
 */
public final class GatewayException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String clientMsgId;

  public GatewayException(ErrorCode code, String message) {
    this(code, message, "");
  }

  public GatewayException(ErrorCode code, String message, String clientMsgId) {
    super(message, null, false, false);
    this.code = code;
    this.clientMsgId = clientMsgId == null ? "" : clientMsgId;
  }

  public ErrorCode code() {
    return code;
  }

  public String clientMsgId() {
    return clientMsgId;
  }

  /** The {@code Error} frame that tells the peer about this failure. */
  public Frame toFrame() {
    return Frames.error(code, getMessage(), clientMsgId);
  }

  /**
   * The {@code GatewayException} behind {@code t}, unwrapping completion wrappers; anything else
   * becomes {@code INTERNAL} with a message that leaks no detail.
   */
  public static GatewayException from(Throwable t) {
    Throwable cause = t;
    while (cause != null) {
      if (cause instanceof GatewayException g) {
        return g;
      }
      cause = cause.getCause();
    }
    return new GatewayException(ErrorCode.INTERNAL, "internal error");
  }
}

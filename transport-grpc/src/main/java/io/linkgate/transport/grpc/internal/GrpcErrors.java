package io.linkgate.transport.grpc.internal;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.Error;
import io.linkgate.api.proto.ErrorCode;

/**
 * The one place where Linkgate errors and gRPC statuses meet.
 *
 * <p>A call the server ends because of an error ends with the status below, whose description is
 * the error's message, and with the {@code Error} itself in the trailer {@code x-linkgate-error-bin}
 * (a serialized {@code linkgate.v1.Error}), so that a Linkgate client recovers the exact code. A
 * status without that trailer comes from gRPC itself (a message over the size limit, a deadline, a
 * lost connection): {@link #codeOf(Status.Code)} reads what it can from the status code alone.
 * An {@code Error} with a {@code retry_after_ms} (RATE_LIMITED) also sets the trailer {@code
 * grpc-retry-pushback-ms}, gRPC's own server pushback (gRFC A6), so a plain gRPC client whose retry
 * policy covers RESOURCE_EXHAUSTED waits as long.
 *
 * <pre>
 *   ErrorCode          gRPC status
 *   UNAUTHENTICATED    UNAUTHENTICATED
 *   FORBIDDEN          PERMISSION_DENIED
 *   BAD_FRAME          INVALID_ARGUMENT
 *   INVALID_ARGUMENT   INVALID_ARGUMENT
 *   FRAME_TOO_LARGE    RESOURCE_EXHAUSTED
 *   RATE_LIMITED       RESOURCE_EXHAUSTED
 *   SLOW_CONSUMER      RESOURCE_EXHAUSTED
 *   TIMEOUT            DEADLINE_EXCEEDED
 *   UNAVAILABLE        UNAVAILABLE
 *   RESYNC_REQUIRED    ABORTED
 *   INTERNAL           INTERNAL
 *   (unspecified)      UNKNOWN
 * </pre>
 */
final class GrpcErrors {
  /** The trailer carrying the {@code Error} behind a non-OK status. */
  static final Metadata.Key<Error> ERROR_TRAILER =
      Metadata.Key.of(
          "x-linkgate-error-bin", ProtoUtils.metadataMarshaller(Error.getDefaultInstance()));

  /** gRPC's server pushback: milliseconds before the same call may be tried again. */
  static final Metadata.Key<String> RETRY_PUSHBACK_MS =
      Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

  private GrpcErrors() {}

  static Status.Code statusCode(ErrorCode code) {
    return switch (code) {
      case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
      case FORBIDDEN -> Status.Code.PERMISSION_DENIED;
      case BAD_FRAME, INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
      case FRAME_TOO_LARGE, RATE_LIMITED, SLOW_CONSUMER -> Status.Code.RESOURCE_EXHAUSTED;
      case TIMEOUT -> Status.Code.DEADLINE_EXCEEDED;
      case UNAVAILABLE -> Status.Code.UNAVAILABLE;
      case RESYNC_REQUIRED -> Status.Code.ABORTED;
      case INTERNAL -> Status.Code.INTERNAL;
      case ERROR_CODE_UNSPECIFIED, UNRECOGNIZED -> Status.Code.UNKNOWN;
    };
  }

  /**
   * The error a status says on its own, when it carries no {@code Error} trailer: gRPC reports a
   * message over the size limit as RESOURCE_EXHAUSTED, for instance. Null for statuses that only
   * say the call or connection ended (OK, CANCELLED, UNAVAILABLE, UNKNOWN, ...).
   */
  static ErrorCode codeOf(Status.Code code) {
    return switch (code) {
      case UNAUTHENTICATED -> ErrorCode.UNAUTHENTICATED;
      case PERMISSION_DENIED -> ErrorCode.FORBIDDEN;
      case INVALID_ARGUMENT -> ErrorCode.BAD_FRAME;
      case RESOURCE_EXHAUSTED -> ErrorCode.FRAME_TOO_LARGE;
      case DEADLINE_EXCEEDED -> ErrorCode.TIMEOUT;
      case ABORTED -> ErrorCode.RESYNC_REQUIRED;
      case INTERNAL -> ErrorCode.INTERNAL;
      default -> null;
    };
  }

  /** The status that ends a call because of {@code error}. */
  static Status status(Error error) {
    return Status.fromCode(statusCode(error.getCode())).withDescription(error.getMessage());
  }

  /** Trailers carrying {@code error}, to go with {@link #status(Error)}. */
  static Metadata trailers(Error error) {
    Metadata trailers = new Metadata();
    trailers.put(ERROR_TRAILER, error);
    if (error.getRetryAfterMs() != 0) {
      trailers.put(RETRY_PUSHBACK_MS, Integer.toUnsignedString(error.getRetryAfterMs()));
    }
    return trailers;
  }

  static Status status(GatewayException e) {
    return status(e.toFrame().getError());
  }

  static Metadata trailers(GatewayException e) {
    return trailers(e.toFrame().getError());
  }

  /** The {@code Error} a call's trailers carry, or null. */
  static Error trailerError(Metadata trailers) {
    return trailers == null ? null : trailers.get(ERROR_TRAILER);
  }

  /**
   * The {@code Error} behind a status: the trailer's when present, else what the status code says
   * on its own (see {@link #codeOf}), else null.
   */
  static Error errorOf(Status status, Metadata trailers) {
    Error fromTrailer = trailerError(trailers);
    if (fromTrailer != null) {
      return fromTrailer;
    }
    ErrorCode code = codeOf(status.getCode());
    if (code == null) {
      return null;
    }
    String description = status.getDescription();
    return Error.newBuilder()
        .setCode(code)
        .setMessage(description != null ? description : status.getCode().name())
        .build();
  }
}

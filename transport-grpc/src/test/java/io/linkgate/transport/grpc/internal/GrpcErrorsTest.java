package io.linkgate.transport.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.Status;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.Error;
import io.linkgate.api.proto.ErrorCode;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one table between Linkgate errors and gRPC statuses, and the trailer that carries them. */
class GrpcErrorsTest {
  @Test
  void everyErrorCodeEndsACallWithTheDocumentedStatus() {
    Map<ErrorCode, Status.Code> expected = new EnumMap<>(ErrorCode.class);
    expected.put(ErrorCode.ERROR_CODE_UNSPECIFIED, Status.Code.UNKNOWN);
    expected.put(ErrorCode.UNAUTHENTICATED, Status.Code.UNAUTHENTICATED);
    expected.put(ErrorCode.FORBIDDEN, Status.Code.PERMISSION_DENIED);
    expected.put(ErrorCode.BAD_FRAME, Status.Code.INVALID_ARGUMENT);
    expected.put(ErrorCode.FRAME_TOO_LARGE, Status.Code.RESOURCE_EXHAUSTED);
    expected.put(ErrorCode.RATE_LIMITED, Status.Code.RESOURCE_EXHAUSTED);
    expected.put(ErrorCode.UNAVAILABLE, Status.Code.UNAVAILABLE);
    expected.put(ErrorCode.INTERNAL, Status.Code.INTERNAL);
    expected.put(ErrorCode.INVALID_ARGUMENT, Status.Code.INVALID_ARGUMENT);
    expected.put(ErrorCode.SLOW_CONSUMER, Status.Code.RESOURCE_EXHAUSTED);
    expected.put(ErrorCode.TIMEOUT, Status.Code.DEADLINE_EXCEEDED);
    expected.put(ErrorCode.RESYNC_REQUIRED, Status.Code.ABORTED);
    for (ErrorCode code : ErrorCode.values()) {
      if (code == ErrorCode.UNRECOGNIZED) {
        continue;
      }
      assertThat(GrpcErrors.statusCode(code)).as("status for %s", code).isEqualTo(expected.get(code));
    }
  }

  @Test
  void theStatusDescriptionIsTheErrorMessageAndTheTrailerTheErrorItself() {
    GatewayException e =
        new GatewayException(ErrorCode.SLOW_CONSUMER, "outbound queue over 64 KiB", "c-1");
    Status status = GrpcErrors.status(e);
    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription()).isEqualTo("outbound queue over 64 KiB");

    // Through the wire form, as a client reads it.
    Metadata received = new Metadata();
    received.merge(GrpcErrors.trailers(e));
    Error error = GrpcErrors.trailerError(received);
    assertThat(error.getCode()).isEqualTo(ErrorCode.SLOW_CONSUMER);
    assertThat(error.getClientMsgId()).isEqualTo("c-1");
    assertThat(GrpcErrors.errorOf(Status.Code.RESOURCE_EXHAUSTED.toStatus(), received))
        .as("the trailer wins over what the status code alone suggests")
        .isEqualTo(error);
  }

  @Test
  void aStatusWithoutTrailerSaysWhatItCanAlone() {
    Error tooLarge =
        GrpcErrors.errorOf(
            Status.RESOURCE_EXHAUSTED.withDescription("gRPC message exceeds maximum size"),
            new Metadata());
    assertThat(tooLarge.getCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    assertThat(tooLarge.getMessage()).isEqualTo("gRPC message exceeds maximum size");
    assertThat(GrpcErrors.errorOf(Status.UNAUTHENTICATED, null).getCode())
        .isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThat(GrpcErrors.errorOf(Status.DEADLINE_EXCEEDED, null).getCode())
        .isEqualTo(ErrorCode.TIMEOUT);
    for (Status endOnly : new Status[] {Status.OK, Status.CANCELLED, Status.UNAVAILABLE}) {
      assertThat(GrpcErrors.errorOf(endOnly, new Metadata()))
          .as("%s only says the call ended", endOnly.getCode())
          .isNull();
    }
  }

  @Test
  void errorsThatHaveTheirOwnStatusRoundTripThroughTheStatusCodeAlone() {
    for (ErrorCode code :
        new ErrorCode[] {
          ErrorCode.UNAUTHENTICATED,
          ErrorCode.FORBIDDEN,
          ErrorCode.BAD_FRAME,
          ErrorCode.FRAME_TOO_LARGE,
          ErrorCode.TIMEOUT,
          ErrorCode.RESYNC_REQUIRED,
          ErrorCode.INTERNAL
        }) {
      assertThat(GrpcErrors.codeOf(GrpcErrors.statusCode(code))).as("%s", code).isEqualTo(code);
    }
  }
}

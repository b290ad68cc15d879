package io.linkgate.transport.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Error;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class GrpcLogsTest {
  @Test
  void aClientsOversizedMessageIsClientCaused() {
    assertThat(GrpcLogs.isClientCaused(record(Status.RESOURCE_EXHAUSTED.withDescription("too big").asRuntimeException())))
        .isTrue();
  }

  @Test
  void aStreamTheClientResetWithDataQueuedIsClientCaused() {
    Http2Exception e =
        Http2Exception.streamError(3, Http2Error.STREAM_CLOSED, "Stream closed before write could take place");
    assertThat(GrpcLogs.isClientCaused(record(e))).isTrue();
  }

  @Test
  void aStreamOpenedAfterTheServersGoAwayIsClientCaused() {
    Http2Exception e =
        Http2Exception.streamError(
            3, Http2Error.REFUSED_STREAM, "Cannot create stream 3 greater than Last-Stream-ID 0 from GOAWAY.");
    assertThat(GrpcLogs.isClientCaused(record(e))).isTrue();
  }

  @Test
  void otherWarningsAreLeftAlone() {
    assertThat(GrpcLogs.isClientCaused(record(Status.INTERNAL.asRuntimeException()))).isFalse();
    assertThat(GrpcLogs.isClientCaused(record(Http2Exception.streamError(3, Http2Error.INTERNAL_ERROR, "bug"))))
        .isFalse();
    assertThat(GrpcLogs.isClientCaused(record(new IllegalStateException("ours")))).isFalse();
  }

  private static LogRecord record(Throwable thrown) {
    LogRecord r = new LogRecord(Level.WARNING, "Stream Error");
    r.setThrown(thrown);
    return r;
  }
}

package io.linkgate.transport.grpc.internal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Error;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * grpc-java logs through java.util.logging, and reports two things a client alone causes as a
 * WARNING with a stack trace, so any client could flood the log with them: a message over the size
 * limit, cancelling a stream while data waits for its flow-control window ("Stream closed before
 * write could take place", grpc/grpc-java#1578), and opening a stream the server refuses (after
 * the server's GOAWAY, as when a connection missed its first-call deadline, or past the
 * concurrent-call limit). A client's doing is worth a debug line, as
 * everywhere else in Linkgate; these filters turn exactly those records into one and leave every
 * other record alone.
 */
final class GrpcLogs {
  private static final Logger log = LoggerFactory.getLogger(GrpcLogs.class);

  // The loggers grpc-java's Netty server writes to; held so that they are not collected.
  private static final java.util.logging.Logger SERVER_STREAM =
      java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");
  private static final java.util.logging.Logger SERVER_HANDLER =
      java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerHandler");

  private static boolean installed;

  private GrpcLogs() {}

  /** Installs the filters once per JVM, keeping any filter already there. */
  static synchronized void demoteClientCausedWarnings() {
    if (installed) {
      return;
    }
    installed = true;
    demote(SERVER_STREAM);
    demote(SERVER_HANDLER);
  }

  private static void demote(java.util.logging.Logger logger) {
    Filter previous = logger.getFilter();
    logger.setFilter(
        record -> {
          if (isClientCaused(record)) {
            log.debug("{}: {}", record.getMessage(), record.getThrown().getMessage());
            return false;
          }
          return previous == null || previous.isLoggable(record);
        });
  }

  static boolean isClientCaused(LogRecord record) {
    return isOversizedMessage(record) || isWriteToAClosedStream(record) || isRefusedStream(record);
  }

  static boolean isOversizedMessage(LogRecord record) {
    return record.getThrown() instanceof StatusRuntimeException e
        && e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED;
  }

  /** The client reset a stream that still had data queued for it. */
  static boolean isWriteToAClosedStream(LogRecord record) {
    return record.getThrown() instanceof Http2Exception.StreamException e
        && e.error() == Http2Error.STREAM_CLOSED;
  }

  /** The client opened a stream the server refuses: after its GOAWAY, or one too many. */
  static boolean isRefusedStream(LogRecord record) {
    return record.getThrown() instanceof Http2Exception.StreamException e
        && e.error() == Http2Error.REFUSED_STREAM;
  }
}

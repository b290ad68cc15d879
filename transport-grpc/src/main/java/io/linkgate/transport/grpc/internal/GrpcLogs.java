package io.linkgate.transport.grpc.internal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * grpc-java logs through java.util.logging, and reports a client's message over the size limit as
 * a WARNING with a stack trace: any client could flood the log that way. A client's mistake is
 * worth a debug line, as everywhere else in Linkgate; this filter turns exactly that record into
 * one and leaves every other record alone.
 */
final class GrpcLogs {
  private static final Logger log = LoggerFactory.getLogger(GrpcLogs.class);

  /** The logger grpc-java's Netty server stream writes to; held so that it is not collected. */
  private static final java.util.logging.Logger SERVER_STREAM =
      java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");

  private static boolean installed;

  private GrpcLogs() {}

  /** Installs the filter once per JVM, keeping any filter already there. */
  static synchronized void demoteOversizedMessageWarnings() {
    if (installed) {
      return;
    }
    installed = true;
    Filter previous = SERVER_STREAM.getFilter();
    SERVER_STREAM.setFilter(
        record -> {
          if (isOversizedMessage(record)) {
            log.debug("refused a client's message: {}", record.getThrown().getMessage());
            return false;
          }
          return previous == null || previous.isLoggable(record);
        });
  }

  static boolean isOversizedMessage(LogRecord record) {
    return record.getThrown() instanceof StatusRuntimeException e
        && e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED;
  }
}

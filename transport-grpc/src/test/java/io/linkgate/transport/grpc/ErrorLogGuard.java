package io.linkgate.transport.grpc;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.slf4j.LoggerFactory;

/**
 * Records what bad clients must never cause: WARN and ERROR events on Logback's root logger
 * (Linkgate's logging), WARNING and SEVERE records on java.util.logging's (grpc-java's). A client's
 * mistake is worth a debug line at most.
 */
final class ErrorLogGuard {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final List<String> severe = new ArrayList<>();
  private final Handler julHandler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
            synchronized (severe) {
              severe.add(
                  record.getLoggerName()
                      + ": "
                      + record.getMessage()
                      + (record.getThrown() == null ? "" : " (" + record.getThrown() + ")"));
            }
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  ErrorLogGuard() {
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
    java.util.logging.Logger.getLogger("").addHandler(julHandler);
  }

  /** Warnings and errors so far, one line each. */
  List<String> errors() {
    List<String> out = new ArrayList<>();
    synchronized (appender.list) {
      for (ILoggingEvent e : appender.list) {
        if (e.getLevel().isGreaterOrEqual(Level.WARN)) {
          out.add(
              e.getLoggerName()
                  + ": "
                  + e.getFormattedMessage()
                  + (e.getThrowableProxy() == null
                      ? ""
                      : " (" + e.getThrowableProxy().getClassName() + ")"));
        }
      }
    }
    synchronized (severe) {
      out.addAll(severe);
    }
    return out;
  }

  void detach() {
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAppender(appender);
    appender.stop();
    java.util.logging.Logger.getLogger("").removeHandler(julHandler);
  }
}

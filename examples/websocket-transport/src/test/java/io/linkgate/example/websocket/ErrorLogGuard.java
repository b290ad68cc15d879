package io.linkgate.example.websocket;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Records ERROR events on the root logger: bad clients must never cause one (they get an Error
 * frame, and at most a debug line).
 */
final class ErrorLogGuard {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  ErrorLogGuard() {
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
  }

  /** ERROR events so far, one line each. */
  List<String> errors() {
    synchronized (appender.list) {
      return appender.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
          .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
          .toList();
    }
  }

  void detach() {
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAppender(appender);
    appender.stop();
  }
}

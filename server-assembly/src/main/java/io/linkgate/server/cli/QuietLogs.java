package io.linkgate.server.cli;

import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Lowers the log level for the length of a narrated command, so the story is not drowned out. */
final class QuietLogs implements AutoCloseable {
  private final ch.qos.logback.classic.Logger root;
  private final Level previous;

  private QuietLogs(ch.qos.logback.classic.Logger root, Level previous) {
    this.root = root;
    this.previous = previous;
  }

  static QuietLogs none() {
    return new QuietLogs(null, null);
  }

  /** WARN and above only; does nothing if the logging backend is not logback. */
  static QuietLogs atWarn() {
    Logger logger = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    if (logger instanceof ch.qos.logback.classic.Logger root) {
      Level previous = root.getLevel();
      if (previous == null || previous.toInt() < Level.WARN_INT) {
        root.setLevel(Level.WARN);
        return new QuietLogs(root, previous);
      }
    }
    return none();
  }

  @Override
  public void close() {
    if (root != null) {
      root.setLevel(previous);
    }
  }
}

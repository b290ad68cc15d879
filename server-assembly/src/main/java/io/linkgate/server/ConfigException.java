package io.linkgate.server;

/**
 * The configuration is wrong: an unknown key, a bad value, an unknown transport. The message says
 * where and what is accepted there; it is meant for the operator, so it carries no stack trace.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message, null, false, false);
  }
}

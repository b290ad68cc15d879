package io.linkgate.server.cli;

import io.linkgate.server.internal.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Durations on the command line as in the config file: 250ms, 10s, 24h. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}

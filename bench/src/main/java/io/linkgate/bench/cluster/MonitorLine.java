package io.linkgate.bench.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of Redis's {@code MONITOR} feed: {@code 1733312345.123456 [0 127.0.0.1:51234] "EVALSHA"
 * "ab12..." "3" ...}. The source is the client's address for a command a client sent, {@code lua}
 * for one a script ran with {@code redis.call}.
 *
 * @param source {@code host:port}, {@code lua}, or whatever else Redis writes there
 * @param args the first arguments, unquoted and unescaped, the command name first
 */
record MonitorLine(String source, List<String> args) {
  /** Whether a script ran this command rather than a client. */
  boolean fromScript() {
    return source.equals("lua");
  }

  /** The command name in upper case, or an empty string. */
  String command() {
    return args.isEmpty() ? "" : args.get(0).toUpperCase(java.util.Locale.ROOT);
  }

  /** The client port of {@code host:port}; -1 for a script or a Unix socket. */
  int port() {
    int colon = source.lastIndexOf(':');
    if (colon < 0) {
      return -1;
    }
    try {
      return Integer.parseInt(source.substring(colon + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Parses a line (with or without the {@code +} of the RESP simple string), reading at most {@code
   * maxArgs} arguments.
   *
   * @return the line, or null for anything that is not a monitored command ({@code OK})
   */
  static MonitorLine parse(String line, int maxArgs) {
    int open = line.indexOf(" [");
    int close = open < 0 ? -1 : line.indexOf("] ", open);
    if (close < 0) {
      return null;
    }
    String inside = line.substring(open + 2, close); // "<db> <source>"
    int space = inside.indexOf(' ');
    if (space < 0) {
      return null;
    }
    String source = inside.substring(space + 1);
    List<String> args = new ArrayList<>(maxArgs);
    int i = close + 2;
    int n = line.length();
    while (i < n && args.size() < maxArgs) {
      if (line.charAt(i) != '"') {
        break;
      }
      StringBuilder sb = new StringBuilder();
      i++;
      while (i < n && line.charAt(i) != '"') {
        char c = line.charAt(i);
        if (c == '\\' && i + 1 < n) {
          char e = line.charAt(i + 1);
          switch (e) {
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'a' -> sb.append('\u0007');
            case 'b' -> sb.append('\b');
            case 'x' -> {
              if (i + 3 < n) {
                sb.append((char) Integer.parseInt(line.substring(i + 2, i + 4), 16));
                i += 2;
              }
            }
            default -> sb.append(e); // \\ and \"
          }
          i += 2;
        } else {
          sb.append(c);
          i++;
        }
      }
      args.add(sb.toString());
      i += 2; // the closing quote and the space after it
    }
    return new MonitorLine(source, List.copyOf(args));
  }
}

package io.linkgate.testing;

import java.util.List;
import java.util.function.Predicate;

/**
 * squid's {@code access.log} in its native format, one {@link Entry} per finished request. squid
 * writes an entry when a request is over, so a streamed response that is still open has none yet.
 */
public final class AccessLog {
  /**
   * One request as squid saw it.
   *
   * @param elapsedMs how long squid took over it, from request to the response's end
   * @param result squid's result code, e.g. {@code TCP_MISS}, {@code TCP_DENIED}
   * @param status the HTTP status squid answered
   * @param method the request method
   * @param url the absolute URL asked for, query included
   */
  public record Entry(long elapsedMs, String result, int status, String method, String url) {
    /** True if the URL contains {@code part}: a path, a parameter, a device id. */
    public boolean has(String part) {
      return url.contains(part);
    }
  }

  private AccessLog() {}

  /** The entries of {@code proxy}'s log so far. */
  public static List<Entry> of(SquidProxy proxy) {
    return proxy.accessLog().lines().filter(l -> !l.isBlank()).map(AccessLog::parse).toList();
  }

  /** The entries of {@code proxy}'s log so far that match {@code filter}. */
  public static List<Entry> of(SquidProxy proxy, Predicate<Entry> filter) {
    return of(proxy).stream().filter(filter).toList();
  }

  /** "time elapsed client result/status bytes method url ident hierarchy type". */
  private static Entry parse(String line) {
    String[] f = line.trim().split("\\s+");
    if (f.length < 7) {
      throw new IllegalArgumentException("not a native squid access.log line: " + line);
    }
    String[] resultStatus = f[3].split("/");
    return new Entry(
        Long.parseLong(f[1]), resultStatus[0], Integer.parseInt(resultStatus[1]), f[5], f[6]);
  }
}

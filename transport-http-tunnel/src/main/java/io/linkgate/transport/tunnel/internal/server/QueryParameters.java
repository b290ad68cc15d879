package io.linkgate.transport.tunnel.internal.server;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * The query parameters of a tunnel request. A query of plain characters only (letters, digits,
 * {@code - . _ ~}, and the {@code = &} that separate it), which is what our clients send, decodes to
 * itself, so its values are read straight from the string; any other query is decoded by Jetty.
 * (Jetty's general decode, with its compliance checks and the parameters cached on the request,
 * cost a third of an HTTP parse on every uplink POST, which names one parameter.)
 */
final class QueryParameters {
  private static final QueryParameters EMPTY = new QueryParameters("", null);

  /** The query when it is plain, else null. */
  private final String plain;
  /** Jetty's decode when the query is not plain, else null. */
  private final Fields decoded;

  private QueryParameters(String plain, Fields decoded) {
    this.plain = plain;
    this.decoded = decoded;
  }

  /**
   * Reads {@code request}'s query.
   *
   * @throws RuntimeException what Jetty throws for a query it cannot decode
   */
  static QueryParameters of(Request request) {
    String query = request.getHttpURI().getQuery();
    if (query == null || query.isEmpty()) {
      return EMPTY;
    }
    return isPlain(query)
        ? new QueryParameters(query, null)
        : new QueryParameters(null, Request.extractQueryParameters(request));
  }

  /** A query already decoded (the non-plain path), for tests that compare the two. */
  static QueryParameters of(String query, java.util.function.Supplier<Fields> decode) {
    if (query == null || query.isEmpty()) {
      return EMPTY;
    }
    return isPlain(query) ? new QueryParameters(query, null) : new QueryParameters(null, decode.get());
  }

  /** The first value of parameter {@code name}, "" for a name without {@code =}; null if absent. */
  String first(String name) {
    if (plain == null) {
      return decoded.getValue(name);
    }
    int n = plain.length();
    int at = 0;
    while (at <= n) {
      int end = plain.indexOf('&', at);
      if (end < 0) {
        end = n;
      }
      int nameEnd = plain.indexOf('=', at);
      if (nameEnd < 0 || nameEnd > end) {
        nameEnd = end; // a name alone: its value is empty
      }
      if (nameEnd - at == name.length() && plain.startsWith(name, at)) {
        return nameEnd == end ? "" : plain.substring(nameEnd + 1, end);
      }
      at = end + 1;
    }
    return null;
  }

  /** Whether decoding {@code query} leaves it as it is. */
  static boolean isPlain(String query) {
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      boolean plain =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.'
              || c == '_'
              || c == '~'
              || c == '='
              || c == '&';
      if (!plain) {
        return false;
      }
    }
    return true;
  }
}

package io.linkgate.bench.dispatch;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * One HTTP/1.1 response read off a blocking stream: status line, headers, a {@code Content-Length}
 * body (both servers answer with one; chunked bodies are not expected and fail the read).
 */
record HttpAnswer(int status, int bodyBytes, boolean close) {
  private static final int MAX_HEADER_LINE = 8192;

  static HttpAnswer read(InputStream in) throws IOException {
    String statusLine = line(in);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x status line: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    int length = -1;
    boolean close = false;
    String h;
    while (!(h = line(in)).isEmpty()) {
      String lower = h.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Integer.parseInt(h.substring(15).trim());
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        close = true;
      } else if (lower.startsWith("transfer-encoding:")) {
        throw new IOException("unexpected " + h);
      }
    }
    if (length < 0) {
      throw new IOException("no Content-Length in a " + status + " answer");
    }
    in.skipNBytes(length);
    return new HttpAnswer(status, length, close);
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder(64);
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new EOFException("connection closed mid-answer");
      }
      if (c != '\r') {
        sb.append((char) c);
      }
      if (sb.length() > MAX_HEADER_LINE) {
        throw new IOException("header line too long");
      }
    }
    return sb.toString();
  }
}

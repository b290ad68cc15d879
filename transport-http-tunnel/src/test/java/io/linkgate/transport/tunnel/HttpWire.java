package io.linkgate.transport.tunnel;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 spoken by hand over a socket, for tests that must send what no client library would
 * (garbage, oversized heads, bodies that never end) and read exactly what the server wrote.
 */
final class HttpWire {
  private HttpWire() {}

  /** A response's status line and headers (names in lower case). */
  record Head(int status, Map<String, String> headers) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    boolean chunked() {
      String te = header("transfer-encoding");
      return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
    }

    long contentLength() {
      String cl = header("content-length");
      return cl == null ? -1 : Long.parseLong(cl.trim());
    }
  }

  /** The request head; {@code headers} are written as given, then Host. */
  static byte[] head(String method, String target, Map<String, String> headers) {
    StringBuilder sb = new StringBuilder();
    sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    sb.append("\r\n");
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Writes a request with a {@code Content-Length} body (none if {@code body} is null). */
  static void request(
      OutputStream out, String method, String target, Map<String, String> headers, byte[] body)
      throws IOException {
    Map<String, String> all = new LinkedHashMap<>(headers);
    if (body != null) {
      all.put("Content-Length", Integer.toString(body.length));
    }
    out.write(head(method, target, all));
    if (body != null) {
      out.write(body);
    }
    out.flush();
  }

  /** The next response head, or null at a clean end of stream before it. */
  static Head readHead(InputStream in) throws IOException {
    String statusLine = readLine(in, true);
    if (statusLine == null) {
      return null;
    }
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP status line: " + statusLine);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    String line;
    while (!(line = readLine(in, false)).isEmpty()) {
      int colon = line.indexOf(':');
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      headers.merge(name, value, (a, b) -> a + ", " + b);
    }
    return new Head(Integer.parseInt(parts[1]), headers);
  }

  /** The body of a response with {@code head}, as a stream that ends where the body ends. */
  static InputStream body(InputStream in, Head head) {
    if (head.chunked()) {
      return new ChunkedBody(in);
    }
    long length = head.contentLength();
    if (length >= 0) {
      return new BoundedBody(in, length);
    }
    return in; // ends with the connection
  }

  static byte[] readBody(InputStream in, Head head) throws IOException {
    return body(in, head).readAllBytes();
  }

  private static String readLine(InputStream in, boolean eofAllowed) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (eofAllowed && line.size() == 0) {
          return null;
        }
        throw new EOFException("connection ended inside a line");
      }
      if (b == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      line.write(b);
    }
  }

  /** A chunked body, decoded; ends after the terminal chunk and its trailers. */
  private static final class ChunkedBody extends InputStream {
    private final InputStream in;
    private long left;
    private boolean chunkEnded;
    private boolean done;

    ChunkedBody(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0; // readNBytes asks for nothing once it has all: never wait for the next chunk
      }
      if (done) {
        return -1;
      }
      if (left == 0) {
        if (chunkEnded) {
          readLine(in, false); // the previous chunk's CRLF (Jetty sends it with the next chunk)
          chunkEnded = false;
        }
        String size = readLine(in, false);
        int semicolon = size.indexOf(';');
        left = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
        if (left == 0) {
          while (!readLine(in, false).isEmpty()) {
            // trailers
          }
          done = true;
          return -1;
        }
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new EOFException("connection ended inside a chunk");
      }
      left -= n;
      chunkEnded = left == 0;
      return n;
    }
  }

  private static final class BoundedBody extends InputStream {
    private final InputStream in;
    private long left;

    BoundedBody(InputStream in, long length) {
      this.in = in;
      this.left = length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (left == 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new EOFException("connection ended inside the body");
      }
      left -= n;
      return n;
    }
  }
}

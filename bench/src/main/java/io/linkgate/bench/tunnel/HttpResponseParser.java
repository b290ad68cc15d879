package io.linkgate.bench.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Just enough HTTP/1.1 for the load client: a stream of responses on a keep-alive connection, each
 * a status line, headers (of which only {@code Content-Length} and {@code Transfer-Encoding:
 * chunked} matter), and a body delivered in place as it arrives, chunked or not. The requests are
 * the client's own, so nothing else (100-continue, upgrades, bodies until close) is expected.
 */
final class HttpResponseParser {
  /** What a response is made of, in order: one head, body pieces, one end. */
  interface Listener {
    void onHead(int status);

    /** A piece of the body, valid during the call only. */
    void onBody(ByteBuf content);

    void onEnd();
  }

  private enum State {
    STATUS_LINE,
    HEADERS,
    BODY,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_END,
    TRAILERS
  }

  /** Longest status, header or chunk-size line taken; a longer one is a broken peer. */
  private static final int MAX_LINE = 8192;

  private final Listener listener;
  private State state = State.STATUS_LINE;
  private long remaining;
  private boolean chunked;
  private long contentLength;

  HttpResponseParser(Listener listener) {
    this.listener = listener;
  }

  /**
   * Consumes as much of {@code in} as makes progress; an incomplete line stays unread for the next
   * call.
   *
   * @throws IllegalStateException for what is not an HTTP/1.1 response
   */
  void parse(ByteBuf in) {
    while (in.isReadable()) {
      switch (state) {
        case STATUS_LINE -> {
          String line = readLine(in);
          if (line == null) {
            return;
          }
          if (line.isEmpty()) {
            continue; // a stray CRLF between responses is tolerated by RFC 9112
          }
          if (!line.startsWith("HTTP/1.") || line.length() < 12) {
            throw new IllegalStateException("not an HTTP/1.1 status line: " + line);
          }
          chunked = false;
          contentLength = 0;
          listener.onHead(Integer.parseInt(line.substring(9, 12)));
          state = State.HEADERS;
        }
        case HEADERS -> {
          String line = readLine(in);
          if (line == null) {
            return;
          }
          if (!line.isEmpty()) {
            header(line);
          } else if (chunked) {
            state = State.CHUNK_SIZE;
          } else if (contentLength > 0) {
            remaining = contentLength;
            state = State.BODY;
          } else {
            end();
          }
        }
        case BODY -> {
          if (deliver(in)) {
            end();
          }
        }
        case CHUNK_SIZE -> {
          String line = readLine(in);
          if (line == null) {
            return;
          }
          int semicolon = line.indexOf(';');
          long size = Long.parseLong((semicolon < 0 ? line : line.substring(0, semicolon)).trim(), 16);
          if (size == 0) {
            state = State.TRAILERS;
          } else {
            remaining = size;
            state = State.CHUNK_DATA;
          }
        }
        case CHUNK_DATA -> {
          if (deliver(in)) {
            state = State.CHUNK_END;
          }
        }
        case CHUNK_END -> {
          String line = readLine(in);
          if (line == null) {
            return;
          }
          if (!line.isEmpty()) {
            throw new IllegalStateException("chunk not followed by CRLF");
          }
          state = State.CHUNK_SIZE;
        }
        case TRAILERS -> {
          String line = readLine(in);
          if (line == null) {
            return;
          }
          if (line.isEmpty()) {
            end();
          }
        }
      }
    }
  }

  /** Hands over up to {@code remaining} body bytes; true once they all came. */
  private boolean deliver(ByteBuf in) {
    int n = (int) Math.min(remaining, in.readableBytes());
    if (n > 0) {
      listener.onBody(in.slice(in.readerIndex(), n));
      in.skipBytes(n);
      remaining -= n;
    }
    return remaining == 0;
  }

  private void end() {
    state = State.STATUS_LINE;
    listener.onEnd();
  }

  private void header(String line) {
    int colon = line.indexOf(':');
    if (colon <= 0) {
      throw new IllegalStateException("malformed header line: " + line);
    }
    String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    String value = line.substring(colon + 1).trim();
    if (name.equals("content-length")) {
      contentLength = Long.parseLong(value);
    } else if (name.equals("transfer-encoding")) {
      chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
    }
  }

  /** The next CRLF-terminated line without its terminator, or null (nothing consumed) if incomplete. */
  private static String readLine(ByteBuf in) {
    int lf = in.forEachByte(in.readerIndex(), in.readableBytes(), ByteProcessor.FIND_LF);
    if (lf < 0) {
      if (in.readableBytes() > MAX_LINE) {
        throw new IllegalStateException("line longer than " + MAX_LINE + " bytes");
      }
      return null;
    }
    int start = in.readerIndex();
    int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    String line = in.toString(start, end - start, StandardCharsets.US_ASCII);
    in.readerIndex(lf + 1);
    return line;
  }
}

package io.linkgate.bench.cluster;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The driver's own connection to Redis, for reading {@code INFO} and following {@code MONITOR}:
 * plain RESP over a blocking socket, one request at a time. Not the router's client, so that what
 * it does never counts as the router's work (its port is known and left out of the counts).
 */
final class RedisProbe implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RedisProbe(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    this.out = new BufferedOutputStream(socket.getOutputStream());
  }

  static RedisProbe connect(int port) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
    s.setSoTimeout(30_000);
    return new RedisProbe(s);
  }

  int localPort() {
    return socket.getLocalPort();
  }

  /** Sends one command and returns its reply: a String, a Long, a List, or null for a nil. */
  synchronized Object call(String... args) throws IOException {
    send(args);
    return read();
  }

  /** {@code INFO <section>} as text. */
  String info(String section) throws IOException {
    return (String) call("INFO", section);
  }

  /**
   * Turns this connection into a monitor and hands every line to {@code lines} on a daemon thread
   * until the connection is closed.
   */
  void monitor(Consumer<String> lines) throws IOException {
    Object ok = call("MONITOR");
    if (!"OK".equals(ok)) {
      throw new IOException("MONITOR answered " + ok);
    }
    socket.setSoTimeout(0);
    Thread t =
        new Thread(
            () -> {
              try {
                while (true) {
                  Object line = read();
                  if (line instanceof String s) {
                    lines.accept(s);
                  }
                }
              } catch (IOException e) {
                // closed: the end of the monitoring
              }
            },
            "redis-monitor");
    t.setDaemon(true);
    t.start();
  }

  private void send(String... args) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append('*').append(args.length).append("\r\n");
    for (String a : args) {
      byte[] b = a.getBytes(StandardCharsets.UTF_8);
      sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
    }
    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private Object read() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new IOException("Redis closed the connection");
    }
    String line = readLine();
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IOException("Redis: " + line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        byte[] b = in.readNBytes(n);
        in.readNBytes(2);
        return new String(b, StandardCharsets.UTF_8);
      }
      case '*': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          items.add(read());
        }
        return items;
      }
      default:
        throw new IOException("unexpected RESP type '" + (char) type + "'");
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\r') {
        in.read(); // '\n'
        break;
      }
      b.write(c);
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}

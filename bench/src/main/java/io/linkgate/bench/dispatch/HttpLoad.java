package io.linkgate.bench.dispatch;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * The load client: a few threads, each with its own kept-alive HTTP/1.1 connection and one {@code
 * GET /v1/dispatch} in flight (closed loop, no pipelining), users in turn, each with its own bearer
 * token. Blocking sockets: one thread per connection costs less than a selector and futures per
 * request, and the client shares the 2 cores with the servers. A response counts when its status
 * is 200 and its whole {@code Content-Length} body is read.
 */
final class HttpLoad {
  /** What one measured window saw over every connection. */
  record Result(long requests, long allRequests, long failures, double seconds, Histogram latencyMicros, long lastBodyBytes, String firstError) {
    double perSecond() {
      return requests / seconds;
    }
  }

  private HttpLoad() {}

  /**
   * @param ports servers to spread the connections over (connection i goes to port i mod n)
   * @param requests one complete request per user, cycled through
   * @param warmupNanos sent but not counted, at the start of the window
   */
  static Result run(List<Integer> ports, byte[][] requests, int connections, long warmupNanos, long measureNanos)
      throws InterruptedException {
    long start = System.nanoTime();
    long from = start + warmupNanos;
    long until = from + measureNanos;
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      Worker w = new Worker(ports.get(i % ports.size()), requests, i, from, until);
      workers.add(w);
      w.start();
    }
    Histogram all = new Histogram(60_000_000L, 3);
    long ok = 0;
    long answered = 0;
    long failed = 0;
    long body = 0;
    String firstError = null;
    for (Worker w : workers) {
      w.join();
      all.add(w.latency);
      ok += w.ok;
      answered += w.answered;
      failed += w.failed;
      body = Math.max(body, w.bodyBytes);
      firstError = firstError != null ? firstError : w.error.get();
    }
    return new Result(ok, answered, failed, measureNanos / 1e9, all, body, firstError);
  }

  /** The GET with its headers; the same bytes on every request of that user. */
  static byte[] request(String token) {
    return ("GET /v1/dispatch HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
        + "\r\nAccept: application/x-protobuf\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static final class Worker extends Thread {
    private final int port;
    private final byte[][] requests;
    private final long from;
    private final long until;
    private final Histogram latency = new Histogram(60_000_000L, 3);
    private final AtomicReference<String> error = new AtomicReference<>();
    private int next;
    private long ok;
    private long answered;
    private long failed;
    private long bodyBytes;

    Worker(int port, byte[][] requests, int index, long from, long until) {
      super("dispatch-load-" + index);
      setDaemon(true);
      this.port = port;
      this.requests = requests;
      this.next = index * 7919 % requests.length; // connections start at different users
      this.from = from;
      this.until = until;
    }

    @Override
    public void run() {
      while (System.nanoTime() < until) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
          socket.setTcpNoDelay(true);
          exchange(socket.getOutputStream(), new BufferedInputStream(socket.getInputStream(), 8192));
        } catch (IOException e) {
          failed++;
          error.compareAndSet(null, e.toString());
        }
      }
    }

    /** Requests on one connection until the window ends or the server closes it. */
    private void exchange(OutputStream out, InputStream in) throws IOException {
      while (true) {
        long t0 = System.nanoTime();
        if (t0 >= until) {
          return;
        }
        out.write(requests[next]);
        next = (next + 1) % requests.length;
        out.flush();
        HttpAnswer a = HttpAnswer.read(in);
        long t1 = System.nanoTime();
        bodyBytes = a.bodyBytes();
        answered++;
        boolean counted = t0 >= from && t1 <= until;
        if (a.status() != 200) {
          failed++;
          error.compareAndSet(null, "HTTP " + a.status());
        } else if (counted) {
          ok++;
          latency.recordValue(Math.min((t1 - t0) / 1000, 60_000_000L));
        }
        if (a.close()) {
          return;
        }
      }
    }
  }
}

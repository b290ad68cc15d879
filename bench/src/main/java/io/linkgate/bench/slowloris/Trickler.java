package io.linkgate.bench.slowloris;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Slowloris clients on one thread: {@code count} connections, each writing the bytes of a valid
 * {@code Hello} frame one at a time, {@code gap} apart. A connection the server cuts is opened
 * again at once, so {@code count} stay trickling until {@link #close()}. Non-blocking sockets on one
 * selector: the attack costs the driver one thread and {@code count} file descriptors.
 */
final class Trickler implements AutoCloseable {
  private final InetSocketAddress server;
  private final InetSocketAddress source;
  private final byte[] hello;
  private final long gapNanos;
  private final int count;
  private final Selector selector;
  private final PriorityQueue<Conn> due = new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos, b.dueNanos));
  private final Thread thread;
  private final ByteBuffer scratch = ByteBuffer.allocate(4096);
  private volatile boolean running = true;

  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong cut = new AtomicLong();
  private final AtomicLong cutLifeNanos = new AtomicLong();
  private final AtomicLong failedConnects = new AtomicLong();
  private final AtomicLong bytesWritten = new AtomicLong();
  private volatile int open;

  private static final class Conn {
    final SocketChannel channel;
    long startNanos;
    long dueNanos;
    int next;
    boolean dead;

    Conn(SocketChannel channel) {
      this.channel = channel;
    }
  }

  /** Started at once: the connections open at {@code connectsPerSecond}, then stay. */
  Trickler(InetSocketAddress server, InetSocketAddress source, byte[] hello, long gapMillis, int count,
      int connectsPerSecond) throws IOException {
    this.server = server;
    this.source = source;
    this.hello = hello;
    this.gapNanos = TimeUnit.MILLISECONDS.toNanos(gapMillis);
    this.count = count;
    this.selector = Selector.open();
    this.thread = new Thread(() -> loop(connectsPerSecond), "slowloris");
    thread.setDaemon(true);
    thread.start();
  }

  record Stats(long opened, long cut, double meanLifeMs, long failedConnects, long bytesWritten, int open) {}

  /** Counts since the start; {@code meanLifeMs} is connect-to-cut of the connections cut. */
  Stats stats() {
    long c = cut.get();
    return new Stats(opened.get(), c, c == 0 ? 0 : cutLifeNanos.get() / 1e6 / c, failedConnects.get(),
        bytesWritten.get(), open);
  }

  private void loop(int connectsPerSecond) {
    long start = System.nanoTime();
    int started = 0;
    try {
      while (running) {
        long now = System.nanoTime();
        // Ramp: the connections start at the given rate, as a botnet's would arrive.
        long allowed = Math.min(count, (now - start) * connectsPerSecond / 1_000_000_000L + 1);
        while (started < allowed) {
          connect();
          started++;
        }
        writeDue(now);
        Conn next = due.peek();
        long waitMs = next == null ? 10 : Math.max(1, (next.dueNanos - System.nanoTime()) / 1_000_000);
        selector.select(Math.min(waitMs, started < count ? 5 : 100));
        for (SelectionKey key : selector.selectedKeys()) {
          handle(key);
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException e) {
      System.err.println("slowloris driver failed: " + e);
    } finally {
      for (SelectionKey key : selector.keys()) {
        closeQuietly(key.channel());
      }
      closeQuietly(selector);
    }
  }

  private void connect() throws IOException {
    SocketChannel ch = SocketChannel.open();
    ch.configureBlocking(false);
    ch.bind(source);
    Conn c = new Conn(ch);
    c.startNanos = System.nanoTime();
    if (ch.connect(server)) {
      connected(c, ch.register(selector, SelectionKey.OP_READ, c));
    } else {
      ch.register(selector, SelectionKey.OP_CONNECT, c);
    }
  }

  private void connected(Conn c, SelectionKey key) {
    key.interestOps(SelectionKey.OP_READ);
    opened.incrementAndGet();
    open++;
    c.startNanos = System.nanoTime();
    c.dueNanos = c.startNanos;
    due.add(c);
  }

  private void handle(SelectionKey key) throws IOException {
    Conn c = (Conn) key.attachment();
    if (!key.isValid()) {
      return;
    }
    if (key.isConnectable()) {
      try {
        c.channel.finishConnect();
        connected(c, key);
      } catch (IOException e) {
        failedConnects.incrementAndGet();
        c.dead = true;
        closeQuietly(c.channel);
        connect();
      }
      return;
    }
    if (key.isReadable()) {
      int n;
      try {
        scratch.clear();
        n = c.channel.read(scratch); // the server's Error TIMEOUT, then its close
      } catch (IOException e) {
        n = -1;
      }
      if (n < 0) {
        ended(c);
      }
    }
  }

  private void writeDue(long now) throws IOException {
    while (!due.isEmpty() && due.peek().dueNanos <= now) {
      Conn c = due.poll();
      if (c.dead) {
        continue;
      }
      if (c.next < hello.length) {
        try {
          c.channel.write(ByteBuffer.wrap(hello, c.next, 1));
          c.next++;
          bytesWritten.incrementAndGet();
        } catch (IOException e) {
          ended(c);
          continue;
        }
      }
      c.dueNanos += gapNanos;
      due.add(c);
    }
  }

  /** The server closed {@code c}: counted, and a new connection takes its place. */
  private void ended(Conn c) throws IOException {
    if (c.dead) {
      return;
    }
    c.dead = true;
    open--;
    cut.incrementAndGet();
    cutLifeNanos.addAndGet(System.nanoTime() - c.startNanos);
    closeQuietly(c.channel);
    if (running) {
      connect();
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    selector.wakeup();
    thread.join(10_000);
  }
}

package io.linkgate.bench.internal;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Frame;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * N downlinks to one server, the same code whichever server it is: each connection sends its
 * {@code Hello}, waits for {@code Welcome}, then counts {@code Push} frames and records, per push,
 * receive time minus the send stamp in the payload. Reads frames in place (see {@link Wire}) so
 * the client costs as little CPU as possible on a machine it shares with the server.
 */
public final class LoadClient implements AutoCloseable {
  private final Bootstrap bootstrap;
  private final InetSocketAddress server;
  private final List<InetAddress> sources;
  private final ConcurrentLinkedQueue<Channel> channels = new ConcurrentLinkedQueue<>();
  private final LongAdder received = new LongAdder();
  private final LongAdder receivedBytes = new LongAdder();
  private final LongAdder reads = new LongAdder();
  private final AtomicLong lastReceiveNanos = new AtomicLong();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger unexpectedCloses = new AtomicInteger();
  private final AtomicInteger otherFrames = new AtomicInteger();
  private final AtomicReference<String> lastOtherFrame = new AtomicReference<>("");
  private final Recorder latency = new Recorder(3);
  private volatile boolean closing;

  public LoadClient(EventLoopGroup group, InetSocketAddress server, List<InetAddress> sources) {
    this.server = server;
    this.sources = List.copyOf(sources);
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NettyIo.channel())
            .option(ChannelOption.TCP_NODELAY, true)
            // Lets a source port in TIME_WAIT from an earlier run be bound again.
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {}
                });
  }

  /**
   * Opens downlinks for users {@code first .. first+count-1}, at most {@code maxInFlight}
   * handshakes at a time, and returns once every one is welcomed.
   *
   * @throws IOException naming how many failed and the first reason
   */
  public void connect(int first, int count, IntFunction<byte[]> hello, int maxInFlight, Duration timeout)
      throws IOException, InterruptedException {
    Semaphore inFlight = new Semaphore(maxInFlight);
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = 0; i < count; i++) {
      long left = deadline - System.nanoTime();
      if (!inFlight.tryAcquire(Math.max(0, left), TimeUnit.NANOSECONDS)) {
        throw new IOException("timed out after " + i + " of " + count + " connections");
      }
      int user = first + i;
      CompletableFuture<Void> welcomed = new CompletableFuture<>();
      DownlinkHandler handler = new DownlinkHandler(hello.apply(user), welcomed);
      InetSocketAddress local = new InetSocketAddress(sources.get(user % sources.size()), 0);
      ChannelFuture cf =
          bootstrap.clone().handler(handler).connect(server, local);
      cf.addListener(
          f -> {
            if (!f.isSuccess()) {
              welcomed.completeExceptionally(f.cause());
            }
          });
      welcomed
          .orTimeout(60, TimeUnit.SECONDS)
          .whenComplete(
              (v, t) -> {
                if (t != null) {
                  failed.incrementAndGet();
                  firstFailure.compareAndSet(null, t);
                  cf.channel().close();
                }
                inFlight.release();
              });
      if (failed.get() > 0) {
        break;
      }
    }
    if (!inFlight.tryAcquire(maxInFlight, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
      throw new IOException("handshakes still pending at the deadline");
    }
    inFlight.release(maxInFlight);
    if (failed.get() > 0) {
      Throwable t = firstFailure.get();
      throw new IOException(failed.get() + " of " + count + " connections failed; first: " + t, t);
    }
  }

  /** Pushes received so far. */
  public long received() {
    return received.sum();
  }

  public long receivedBytes() {
    return receivedBytes.sum();
  }

  /** Socket reads that delivered at least one push: pushes per read shows how the server batched. */
  public long reads() {
    return reads.sum();
  }

  /** When the latest read that delivered a push happened (nanoTime). */
  public long lastReceiveNanos() {
    return lastReceiveNanos.get();
  }

  public int open() {
    return open.get();
  }

  /** The latency histogram (nanoseconds) since the last call; the first call drops what came before. */
  public Histogram takeLatency() {
    return latency.getIntervalHistogram();
  }

  /**
   * Waits until {@code target} pushes have arrived in all.
   *
   * @throws TimeoutException with the counts, if they do not arrive in time or connections dropped
   */
  public void awaitReceived(long target, Duration timeout) throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (received.sum() < target) {
      if (System.nanoTime() > deadline || unexpectedCloses.get() > 0) {
        throw new TimeoutException(
            "received " + received.sum() + " of " + target + " pushes; " + unexpectedCloses.get()
                + " connections dropped; " + otherFrames.get() + " other frames, last: "
                + lastOtherFrame.get());
      }
      LockSupport.parkNanos(100_000);
    }
  }

  /** Connections the server closed, and non-push frames it sent (errors, go-aways). */
  public String problems() {
    return unexpectedCloses.get() + " dropped, " + otherFrames.get() + " other frames ("
        + lastOtherFrame.get() + ")";
  }

  public int unexpectedCloses() {
    return unexpectedCloses.get();
  }

  @Override
  public void close() {
    closing = true;
    for (Channel ch : channels) {
      ch.close();
    }
    for (Channel ch : channels) {
      ch.closeFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
    channels.clear();
  }

  /** One connection: handshake, then pushes read in place. */
  private final class DownlinkHandler extends ByteToMessageDecoder {
    private final byte[] hello;
    private final CompletableFuture<Void> welcomed;
    private boolean ready;
    private long readNanos;
    private int pushes;
    private long pushBytes;
    private int pushReads;

    DownlinkHandler(byte[] hello, CompletableFuture<Void> welcomed) {
      this.hello = hello;
      this.welcomed = welcomed;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      channels.add(ctx.channel());
      open.incrementAndGet();
      ctx.writeAndFlush(Unpooled.wrappedBuffer(hello), ctx.voidPromise());
      super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      readNanos = System.nanoTime(); // one socket read: every frame in it arrived by now
      super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      int before = pushes;
      decodeFrames(ctx, in);
      if (pushes > before) {
        pushReads++;
      }
    }

    private void decodeFrames(ChannelHandlerContext ctx, ByteBuf in) {
      while (true) {
        int start = in.readerIndex();
        int length = Wire.readVarint32(in);
        if (length < 0) {
          return;
        }
        if (in.readableBytes() < length) {
          in.readerIndex(start);
          return;
        }
        int body = in.readerIndex();
        if (ready) {
          long stamp = Wire.pushStamp(in, body, length);
          if (stamp != Wire.NOT_A_PUSH) {
            pushes++;
            pushBytes += body - start + length;
            latency.recordValue(Math.max(0, readNanos - stamp));
          } else {
            other(in, body, length);
          }
        } else {
          Frame f = parse(in, body, length);
          if (f.hasWelcome()) {
            ready = true;
            welcomed.complete(null);
          } else {
            welcomed.completeExceptionally(new IOException("handshake answered with " + brief(f)));
            ctx.close();
          }
        }
        in.readerIndex(body + length);
      }
    }

    private void other(ByteBuf in, int body, int length) {
      Frame f = parse(in, body, length);
      if (!f.hasPong()) {
        otherFrames.incrementAndGet();
        lastOtherFrame.set(brief(f));
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
      if (pushes > 0) {
        // The time first: whoever sees the count reach its target also sees this read's time.
        lastReceiveNanos.accumulateAndGet(readNanos, Math::max);
        receivedBytes.add(pushBytes);
        reads.add(pushReads);
        received.add(pushes);
        pushes = 0;
        pushBytes = 0;
        pushReads = 0;
      }
      super.channelReadComplete(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      open.decrementAndGet();
      if (!closing && ready) {
        unexpectedCloses.incrementAndGet();
      }
      welcomed.completeExceptionally(new IOException("closed before Welcome"));
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      welcomed.completeExceptionally(cause);
      ctx.close();
    }
  }

  private static Frame parse(ByteBuf in, int body, int length) {
    byte[] bytes = new byte[length];
    in.getBytes(body, bytes);
    return FrameCodec.parseBody(bytes, 0, length);
  }

  private static String brief(Frame f) {
    return f.getKindCase()
        + (f.hasError() ? " " + f.getError().getCode() + ": " + f.getError().getMessage() : "")
        + (f.hasGoAway() ? " " + f.getGoAway().getReason() : "");
  }
}

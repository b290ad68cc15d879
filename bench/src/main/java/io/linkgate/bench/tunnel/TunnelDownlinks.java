package io.linkgate.bench.tunnel;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Frame;
import io.linkgate.bench.internal.NettyIo;
import io.linkgate.bench.internal.PushClient;
import io.linkgate.bench.internal.Wire;
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
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
 * S streaming downlinks ({@code GET /v1/tunnel/downlink}) to one server, each on its own HTTP/1.1
 * connection, the same code whichever server it is: the request, the response head, the {@code
 * Welcome}, then pushes counted and timed (receive time minus the send stamp in the payload) in
 * place, across chunk boundaries.
 */
final class TunnelDownlinks implements PushClient, AutoCloseable {
  private final Bootstrap bootstrap;
  private final InetSocketAddress server;
  private final ConcurrentLinkedQueue<Channel> channels = new ConcurrentLinkedQueue<>();
  private final LongAdder received = new LongAdder();
  private final LongAdder receivedBytes = new LongAdder();
  private final LongAdder reads = new LongAdder();
  private final AtomicLong lastReceiveNanos = new AtomicLong();
  private final AtomicInteger unexpectedCloses = new AtomicInteger();
  private final AtomicInteger otherFrames = new AtomicInteger();
  private final AtomicReference<String> lastProblem = new AtomicReference<>("");
  private final Recorder latency = new Recorder(3);
  private volatile boolean closing;

  TunnelDownlinks(EventLoopGroup group, InetSocketAddress server) {
    this.server = server;
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NettyIo.channel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {}
                });
  }

  /**
   * Opens streams for users {@code first .. first+count-1} with the request {@code request(user)},
   * at most {@code maxInFlight} at a time, and returns once every one got its {@code Welcome}.
   */
  void connect(int first, int count, IntFunction<byte[]> request, int maxInFlight, Duration timeout)
      throws IOException, InterruptedException {
    Semaphore inFlight = new Semaphore(maxInFlight);
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = 0; i < count && failed.get() == 0; i++) {
      if (!inFlight.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new IOException("timed out after " + i + " of " + count + " streams");
      }
      CompletableFuture<Void> welcomed = new CompletableFuture<>();
      ChannelFuture cf =
          bootstrap.clone().handler(new Stream(request.apply(first + i), welcomed)).connect(server);
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
    }
    if (!inFlight.tryAcquire(maxInFlight, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
      throw new IOException("handshakes still pending at the deadline");
    }
    inFlight.release(maxInFlight);
    if (failed.get() > 0) {
      Throwable t = firstFailure.get();
      throw new IOException(failed.get() + " of " + count + " streams failed; first: " + t, t);
    }
  }

  @Override
  public long received() {
    return received.sum();
  }

  @Override
  public long receivedBytes() {
    return receivedBytes.sum();
  }

  @Override
  public long reads() {
    return reads.sum();
  }

  @Override
  public long lastReceiveNanos() {
    return lastReceiveNanos.get();
  }

  @Override
  public Histogram takeLatency() {
    return latency.getIntervalHistogram();
  }

  @Override
  public void awaitReceived(long target, Duration timeout) throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (received.sum() < target) {
      if (System.nanoTime() > deadline || unexpectedCloses.get() > 0) {
        throw new TimeoutException(
            "received " + received.sum() + " of " + target + " pushes; " + problems());
      }
      LockSupport.parkNanos(100_000);
    }
  }

  String problems() {
    return unexpectedCloses.get() + " streams ended, " + otherFrames.get() + " other frames (last: "
        + lastProblem.get() + ")";
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

  /** One stream: the HTTP response around it, then frames read in place. */
  private final class Stream extends ByteToMessageDecoder implements HttpResponseParser.Listener {
    private final byte[] request;
    private final CompletableFuture<Void> welcomed;
    private final HttpResponseParser http = new HttpResponseParser(this);
    /** Body bytes not yet a whole frame: frames may straddle chunks. */
    private final ByteBuf body = Unpooled.buffer(256);
    private boolean ready;
    private boolean streaming;
    private long readNanos;
    private int pushes;
    private long pushBytes;
    private int pushReads;

    Stream(byte[] request, CompletableFuture<Void> welcomed) {
      this.request = request;
      this.welcomed = welcomed;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      channels.add(ctx.channel());
      ctx.writeAndFlush(Unpooled.wrappedBuffer(request), ctx.voidPromise());
      super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      readNanos = System.nanoTime(); // one socket read: every frame in it arrived by now
      int before = pushes;
      super.channelRead(ctx, msg);
      if (pushes > before) {
        pushReads++;
      }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      try {
        http.parse(in);
      } catch (RuntimeException e) {
        welcomed.completeExceptionally(e);
        lastProblem.set(e.getMessage());
        ctx.close();
      }
    }

    @Override
    public void onHead(int status) {
      if (status == 200) {
        streaming = true;
      } else {
        welcomed.completeExceptionally(new IOException("downlink answered HTTP " + status));
      }
    }

    @Override
    public void onBody(ByteBuf content) {
      if (!streaming) {
        return; // an error body: the status said it all
      }
      body.writeBytes(content);
      while (true) {
        int start = body.readerIndex();
        int length = Wire.readVarint32(body);
        if (length < 0) {
          break;
        }
        if (body.readableBytes() < length) {
          body.readerIndex(start);
          break;
        }
        int at = body.readerIndex();
        if (ready) {
          long stamp = Wire.pushStamp(body, at, length);
          if (stamp != Wire.NOT_A_PUSH) {
            pushes++;
            pushBytes += at - start + length;
            latency.recordValue(Math.max(0, readNanos - stamp));
          } else {
            otherFrames.incrementAndGet();
            lastProblem.set(brief(body, at, length));
          }
        } else if (parse(body, at, length).hasWelcome()) {
          ready = true;
          welcomed.complete(null);
        } else {
          welcomed.completeExceptionally(new IOException("stream began with " + brief(body, at, length)));
        }
        body.readerIndex(at + length);
      }
      body.discardReadBytes();
    }

    @Override
    public void onEnd() {
      streaming = false;
      if (ready && !closing) {
        unexpectedCloses.incrementAndGet();
        lastProblem.set("the server ended the stream");
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
      if (!closing && ready) {
        unexpectedCloses.incrementAndGet();
        lastProblem.set("connection closed");
      }
      welcomed.completeExceptionally(new IOException("closed before Welcome"));
      body.release();
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      welcomed.completeExceptionally(cause);
      ctx.close();
    }
  }

  /** The request line and head of a downlink stream for {@code device}. */
  static byte[] request(InetSocketAddress server, String device, String token) {
    return ("GET " + RawJettyServer.DOWNLINK_PATH + "?device_id=" + device + "&heartbeat_ms=300000 HTTP/1.1\r\n"
            + "Host: " + server.getHostString() + ":" + server.getPort() + "\r\n"
            + "Authorization: Bearer " + token + "\r\n"
            + "Accept: " + RawJettyServer.CONTENT_TYPE + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static Frame parse(ByteBuf buf, int at, int length) {
    byte[] bytes = new byte[length];
    buf.getBytes(at, bytes);
    return FrameCodec.parseBody(bytes, 0, length);
  }

  private static String brief(ByteBuf buf, int at, int length) {
    Frame f = parse(buf, at, length);
    return f.getKindCase() + (f.hasError() ? " " + f.getError().getCode() + ": " + f.getError().getMessage() : "");
  }
}

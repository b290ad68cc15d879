package io.linkgate.bench.tunnel;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Send;
import io.linkgate.bench.internal.NettyIo;
import io.linkgate.bench.internal.Wire;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Uplink POSTs over C keep-alive HTTP/1.1 connections, one device each: every connection keeps one
 * {@code POST /v1/tunnel/uplink} in flight, B {@code Send} frames in its body (the server hands them
 * to the core all at once, pipelined), and sends the next when the answer is in. A frame counts
 * when its answer is a {@code SendAck}; latency is per POST, from its first byte written to its
 * answer's last byte read.
 */
final class TunnelUplinks implements AutoCloseable {
  /** Field 4 of {@code Frame} ({@code send_ack}), length-delimited. */
  private static final int SEND_ACK_TAG = (4 << 3) | 2;

  /** One connection's device. */
  record Device(String id, String token, String to) {}

  private final InetSocketAddress server;
  private final List<Device> devices;
  private final int batch;
  private final ByteString payload;
  private final List<Channel> channels = new ArrayList<>();
  private final List<Connection> connections = new ArrayList<>();
  private final AtomicLong sequence = new AtomicLong();
  private final LongAdder acked = new LongAdder();
  private final LongAdder posts = new LongAdder();
  private final LongAdder outstanding = new LongAdder();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicReference<String> lastFailure = new AtomicReference<>("");
  private final Recorder latency = new Recorder(3);
  private volatile boolean looping;
  private volatile boolean closing;

  TunnelUplinks(
      EventLoopGroup group, InetSocketAddress server, List<Device> devices, int batch, int payloadBytes)
      throws IOException, InterruptedException {
    this.server = server;
    this.devices = List.copyOf(devices);
    this.batch = batch;
    this.payload = ByteString.copyFrom(new byte[payloadBytes]);
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NettyIo.channel())
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {}
                });
    for (Device d : this.devices) {
      Connection c = new Connection(d);
      Channel ch = b.clone().handler(c).connect(server).sync().channel();
      channels.add(ch);
      connections.add(c);
    }
  }

  /**
   * @param framesPerSecond acknowledged frames a second in the measured span
   * @param postsPerSecond answered POSTs a second in the measured span
   * @param latency per POST, nanoseconds
   * @param allFrames frames acknowledged from the first POST to the last answer, warm-up included
   */
  record Window(
      double framesPerSecond, double postsPerSecond, Histogram latency, long allFrames,
      int failures, String lastFailure) {}

  /** Every connection keeps one POST in flight for {@code warmup} unmeasured, then {@code measured}. */
  Window closedLoop(Duration warmup, Duration measured) throws TimeoutException {
    int failedBefore = failed.get();
    long first = acked.sum();
    looping = true;
    for (Connection c : connections) {
      c.post();
    }
    sleep(warmup);
    latency.getIntervalHistogram();
    long a0 = acked.sum();
    long p0 = posts.sum();
    long t0 = System.nanoTime();
    sleep(measured);
    long a1 = acked.sum();
    long p1 = posts.sum();
    long t1 = System.nanoTime();
    Histogram h = latency.getIntervalHistogram();
    looping = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (outstanding.sum() > 0) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(outstanding.sum() + " POSTs still open; " + lastFailure.get());
      }
      LockSupport.parkNanos(1_000_000);
    }
    double seconds = (t1 - t0) / 1e9;
    return new Window(
        (a1 - a0) / seconds, (p1 - p0) / seconds, h, acked.sum() - first,
        failed.get() - failedBefore, lastFailure.get());
  }

  private static void sleep(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    long left;
    while ((left = end - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  @Override
  public void close() {
    closing = true;
    looping = false;
    for (Channel ch : channels) {
      ch.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
  }

  /** One keep-alive connection: POST, read the answers, POST again. */
  private final class Connection extends ByteToMessageDecoder implements HttpResponseParser.Listener {
    private final Device device;
    private final byte[] head;
    private final HttpResponseParser http = new HttpResponseParser(this);
    private final ByteBuf body = Unpooled.buffer(256);
    private ChannelHandlerContext ctx;
    private long startNanos;
    private int status;
    private boolean awaiting;

    Connection(Device device) {
      this.device = device;
      this.head =
          ("POST " + RawJettyServer.UPLINK_PATH + "?device_id=" + device.id() + " HTTP/1.1\r\n"
                  + "Host: " + server.getHostString() + ":" + server.getPort() + "\r\n"
                  + "Authorization: Bearer " + device.token() + "\r\n"
                  + "Content-Type: " + RawJettyServer.CONTENT_TYPE + "\r\n"
                  + "Content-Length: ")
              .getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    /** Writes the next POST; from any thread. */
    void post() {
      if (ctx.executor().inEventLoop()) {
        write();
      } else {
        ctx.executor().execute(this::write);
      }
    }

    private void write() {
      List<Frame> sends = new ArrayList<>(batch);
      for (int i = 0; i < batch; i++) {
        sends.add(
            Frame.newBuilder()
                .setSend(
                    Send.newBuilder()
                        .setClientMsgId(device.id() + "-" + Long.toString(sequence.incrementAndGet(), 36))
                        .setTo(device.to())
                        .setPayload(payload))
                .build());
      }
      byte[] frames = FrameCodec.encodeAll(sends);
      ByteBuf request = ctx.alloc().buffer(head.length + 16 + frames.length);
      request.writeBytes(head);
      request.writeCharSequence(frames.length + "\r\n\r\n", StandardCharsets.US_ASCII);
      request.writeBytes(frames);
      outstanding.increment();
      awaiting = true;
      startNanos = System.nanoTime();
      ctx.writeAndFlush(request, ctx.voidPromise());
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      try {
        http.parse(in);
      } catch (RuntimeException e) {
        fail("unreadable answer: " + e.getMessage());
        ctx.close();
      }
    }

    @Override
    public void onHead(int status) {
      this.status = status;
    }

    @Override
    public void onBody(ByteBuf content) {
      body.writeBytes(content);
    }

    @Override
    public void onEnd() {
      long now = System.nanoTime();
      int acks = 0;
      int frames = 0;
      while (body.isReadable()) {
        int length = Wire.readVarint32(body);
        if (length < 0 || body.readableBytes() < length) {
          break;
        }
        frames++;
        if (length > 0 && (body.getByte(body.readerIndex()) & 0xff) == SEND_ACK_TAG) {
          acks++;
        }
        body.skipBytes(length);
      }
      body.clear();
      awaiting = false;
      outstanding.decrement();
      if (status == 200 && acks == batch) {
        latency.recordValue(now - startNanos);
        acked.add(acks);
        posts.increment();
        if (looping) {
          write();
        }
      } else {
        fail("HTTP " + status + " with " + acks + " SendAcks in " + frames + " answers");
      }
    }

    private void fail(String why) {
      failed.incrementAndGet();
      lastFailure.set(why); // the connection stops posting: the rate shows it
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (!closing) {
        fail("connection closed");
      }
      if (awaiting) {
        awaiting = false;
        outstanding.decrement();
      }
      body.release();
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(cause.toString());
      ctx.close();
    }
  }
}

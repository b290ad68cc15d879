package io.linkgate.bench.internal;

import com.google.protobuf.UnsafeByteOperations;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Welcome;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The baseline: what a hand-written Netty push server does and nothing more. It reads the client's
 * {@code Hello}, answers with a fixed {@code Welcome}, keeps the channel, and writes {@code Push}
 * frames of the same shape and size as Linkgate's (a per-user seq, a msg id, from, to, payload,
 * server time) with {@code writeAndFlush}, or write-write-...-flush for a burst. No auth, no inbox,
 * no outbound bound.
 */
public final class RawNettyServer implements PushTarget {
  private static final byte[] WELCOME =
      FrameCodec.encode(
          Frame.newBuilder()
              .setWelcome(
                  Welcome.newBuilder()
                      .setSessionId("raw")
                      .setNodeId("raw-netty")
                      .setHeartbeatMs(300_000))
              .build());

  private final AtomicReferenceArray<Channel> channels;
  private final String[] tos;
  private final long[] seqs; // written by the single pushing thread only
  private final AtomicInteger connected = new AtomicInteger();
  private final String from;
  private final String msgIdPrefix;
  private long msgCounter;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel server;

  public RawNettyServer(String host, int maxUsers, int workerThreads, String from)
      throws InterruptedException {
    this.channels = new AtomicReferenceArray<>(maxUsers);
    this.tos = new String[maxUsers];
    for (int i = 0; i < maxUsers; i++) {
      tos[i] = "user:" + PushTarget.userId(i);
    }
    this.seqs = new long[maxUsers];
    this.from = from;
    // Shaped like the router's ids (node, random part, counter) so the frames have the same size.
    this.msgIdPrefix =
        "bench-m" + Long.toUnsignedString(new java.security.SecureRandom().nextLong() >>> 16, 36) + "-";
    this.boss = NettyIo.group(1, "raw-boss");
    this.workers = NettyIo.group(workerThreads, "raw-worker");
    this.server =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NettyIo.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HandshakeHandler());
                  }
                })
            .bind(new InetSocketAddress(host, 0))
            .sync()
            .channel();
  }

  @Override
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public int connected() {
    return connected.get();
  }

  @Override
  public void push(int user, byte[] payload) {
    Channel ch = channels.get(user);
    if (ch == null) {
      return;
    }
    ch.writeAndFlush(Unpooled.wrappedBuffer(encode(user, payload)), ch.voidPromise());
  }

  @Override
  public void pushBurst(int user, byte[][] payloads) {
    Channel ch = channels.get(user);
    if (ch == null) {
      return;
    }
    ByteBuf[] frames = new ByteBuf[payloads.length];
    for (int i = 0; i < payloads.length; i++) {
      frames[i] = Unpooled.wrappedBuffer(encode(user, payloads[i]));
    }
    // The batching baseline: all writes, then one flush, in one event-loop task.
    ch.eventLoop()
        .execute(
            () -> {
              for (ByteBuf f : frames) {
                ch.write(f, ch.voidPromise());
              }
              ch.flush();
            });
  }

  private byte[] encode(int user, byte[] payload) {
    Push push =
        Push.newBuilder()
            .setSeq(++seqs[user])
            .setMsgId(msgIdPrefix + Long.toString(++msgCounter, 36))
            .setFrom(from)
            .setTo(tos[user])
            .setPayload(UnsafeByteOperations.unsafeWrap(payload))
            .setServerTimeMs(System.currentTimeMillis())
            .build();
    return FrameCodec.encode(Frame.newBuilder().setPush(push).build());
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /** Reads the one {@code Hello}, answers {@code Welcome}, then discards whatever else arrives. */
  private final class HandshakeHandler extends ByteToMessageDecoder {
    private int user = -1;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (user >= 0) {
        in.skipBytes(in.readableBytes());
        return;
      }
      int start = in.readerIndex();
      int length = Wire.readVarint32(in);
      if (length < 0) {
        return;
      }
      if (in.readableBytes() < length) {
        in.readerIndex(start);
        return;
      }
      byte[] body = new byte[length];
      in.readBytes(body);
      Frame hello = FrameCodec.parseBody(body, 0, length);
      int index = PushTarget.userIndex(hello.getHello().getDeviceId());
      if (index < 0 || index >= channels.length() || !channels.compareAndSet(index, null, ctx.channel())) {
        ctx.close();
        return;
      }
      user = index;
      connected.incrementAndGet();
      ctx.writeAndFlush(Unpooled.wrappedBuffer(WELCOME), ctx.voidPromise());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (user >= 0 && channels.compareAndSet(user, ctx.channel(), null)) {
        connected.decrementAndGet();
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}

package io.linkgate.bench.grpc;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.SendAck;
import io.linkgate.api.proto.Welcome;
import io.linkgate.bench.internal.PushFrames;
import io.linkgate.bench.internal.PushTarget;
import io.linkgate.transport.grpc.proto.GatewayGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The baseline: a plain grpc-java {@code linkgate.v1.Gateway} service, what a hand-written gRPC
 * push server does and nothing more. {@code Downlink} reads the {@code Hello}, answers a fixed
 * {@code Welcome} and keeps the stream; pushes are {@code onNext} while the stream is ready and
 * wait in a per-stream queue (drained by the on-ready handler) while it is not. {@code Uplink}
 * answers a {@code Send} with a {@code SendAck} of the router's shape. No authentication, no inbox,
 * no outbound bound, no dedup.
 *
 * <p>Two servers as in Linkgate's node, each with its own event-loop group and a direct executor:
 * one port for downlinks, one for uplinks, with the same thread counts as Linkgate's transports.
 */
final class RawGrpcServer extends GatewayGrpc.GatewayImplBase implements PushTarget {
  private static final Frame WELCOME =
      Frame.newBuilder()
          .setWelcome(
              Welcome.newBuilder()
                  .setSessionId("raw")
                  .setNodeId("raw-grpc")
                  .setHeartbeatMs(300_000))
          .build();

  private final AtomicReferenceArray<Stream> streams;
  private final AtomicInteger connected = new AtomicInteger();
  private final PushFrames frames;
  private final String ackIdPrefix =
      "bench-u" + Long.toUnsignedString(new SecureRandom().nextLong() >>> 16, 36) + "-";
  private final AtomicLong ackCounter = new AtomicLong();
  private final EventLoopGroup downGroup;
  private final EventLoopGroup upGroup;
  private final Server downServer;
  private final Server upServer;

  RawGrpcServer(String host, int maxUsers, int downThreads, int upThreads, String from)
      throws IOException {
    this.streams = new AtomicReferenceArray<>(maxUsers);
    this.frames = new PushFrames(maxUsers, from);
    this.downGroup = GrpcIo.group(downThreads, "raw-grpc-down");
    this.upGroup = GrpcIo.group(upThreads, "raw-grpc-up");
    this.downServer = server(host, downGroup).build().start();
    this.upServer = server(host, upGroup).build().start();
  }

  private NettyServerBuilder server(String host, EventLoopGroup group) {
    // Acceptor and connections on the same threads, as Linkgate's transport runs them.
    return NettyServerBuilder.forAddress(new InetSocketAddress(host, 0))
        .channelType(GrpcIo.serverChannel())
        .bossEventLoopGroup(group)
        .workerEventLoopGroup(group)
        .directExecutor()
        .addService(this);
  }

  @Override
  public int port() {
    return ((InetSocketAddress) downServer.getListenSockets().get(0)).getPort();
  }

  int uplinkPort() {
    return ((InetSocketAddress) upServer.getListenSockets().get(0)).getPort();
  }

  @Override
  public int connected() {
    return connected.get();
  }

  @Override
  public void push(int user, byte[] payload) {
    Stream s = streams.get(user);
    if (s != null) {
      s.send(frames.next(user, payload));
    }
  }

  @Override
  public void pushBurst(int user, byte[][] payloads) {
    Stream s = streams.get(user);
    if (s == null) {
      return;
    }
    Frame[] burst = new Frame[payloads.length];
    for (int i = 0; i < payloads.length; i++) {
      burst[i] = frames.next(user, payloads[i]);
    }
    s.sendAll(burst);
  }

  @Override
  public StreamObserver<Frame> downlink(StreamObserver<Frame> responses) {
    Stream s = new Stream((ServerCallStreamObserver<Frame>) responses);
    s.out.setOnReadyHandler(s::drain);
    s.out.setOnCancelHandler(s::gone);
    return s;
  }

  @Override
  public void uplink(Frame request, StreamObserver<Frame> response) {
    Frame answer;
    if (request.hasSend()) {
      answer =
          Frame.newBuilder()
              .setSendAck(
                  SendAck.newBuilder()
                      .setClientMsgId(request.getSend().getClientMsgId())
                      .setMsgId(ackIdPrefix + Long.toString(ackCounter.incrementAndGet(), 36))
                      .setServerTimeMs(System.currentTimeMillis()))
              .build();
    } else if (request.hasHello()) {
      answer = WELCOME;
    } else {
      answer = Frame.getDefaultInstance();
    }
    response.onNext(answer);
    response.onCompleted();
  }

  @Override
  public void close() {
    downServer.shutdownNow();
    upServer.shutdownNow();
    try {
      downServer.awaitTermination(5, TimeUnit.SECONDS);
      upServer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    downGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    upGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  /**
   * One downlink stream. A response observer is not thread-safe and both the pushing thread and the
   * on-ready handler (on the event loop) write, so writes hold the stream's lock: uncontended but
   * for the moment a stream turns ready.
   */
  private final class Stream implements StreamObserver<Frame> {
    final ServerCallStreamObserver<Frame> out;
    private final ArrayDeque<Frame> waiting = new ArrayDeque<>();
    private int user = -1;

    Stream(ServerCallStreamObserver<Frame> out) {
      this.out = out;
    }

    @Override
    public void onNext(Frame request) {
      if (user >= 0 || !request.hasHello()) {
        return; // pings and acks: nothing to do for a baseline
      }
      int index = PushTarget.userIndex(request.getHello().getDeviceId());
      if (index < 0 || index >= streams.length() || !streams.compareAndSet(index, null, this)) {
        out.onError(io.grpc.Status.INVALID_ARGUMENT.asRuntimeException());
        return;
      }
      user = index;
      connected.incrementAndGet();
      send(WELCOME);
    }

    synchronized void send(Frame f) {
      if (waiting.isEmpty() && out.isReady()) {
        out.onNext(f);
      } else {
        waiting.add(f);
      }
    }

    synchronized void sendAll(Frame[] fs) {
      for (Frame f : fs) {
        send(f);
      }
    }

    synchronized void drain() {
      Frame f;
      while (out.isReady() && (f = waiting.poll()) != null) {
        out.onNext(f);
      }
    }

    void gone() {
      if (user >= 0 && streams.compareAndSet(user, this, null)) {
        connected.decrementAndGet();
      }
    }

    @Override
    public void onError(Throwable t) {
      gone();
    }

    @Override
    public void onCompleted() {
      gone();
      synchronized (this) {
        out.onCompleted();
      }
    }
  }
}

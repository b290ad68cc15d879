package io.linkgate.bench.grpc;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.linkgate.api.proto.Frame;
import io.linkgate.bench.internal.PushClient;
import io.linkgate.bench.internal.Wire;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
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
 * N {@code Downlink} streams to one server, each on its own HTTP/2 connection (a device holds one
 * downlink), the same code whichever server it is: each stream sends its {@code Hello}, waits for
 * {@code Welcome}, then counts pushes and records receive time minus the send stamp in the
 * payload, reading the stamp in place.
 */
final class GrpcDownlinks implements PushClient, AutoCloseable {
  private final EventLoopGroup group;
  private final InetSocketAddress server;
  private final ConcurrentLinkedQueue<ManagedChannel> channels = new ConcurrentLinkedQueue<>();
  private final LongAdder received = new LongAdder();
  private final LongAdder receivedBytes = new LongAdder();
  private final AtomicLong lastReceiveNanos = new AtomicLong();
  private final AtomicInteger unexpectedCloses = new AtomicInteger();
  private final AtomicInteger otherFrames = new AtomicInteger();
  private final AtomicReference<String> lastProblem = new AtomicReference<>("");
  private final Recorder latency = new Recorder(3);
  private volatile boolean closing;

  GrpcDownlinks(EventLoopGroup group, InetSocketAddress server) {
    this.group = group;
    this.server = server;
  }

  /**
   * Opens streams for users {@code first .. first+count-1}, each on a new connection, at most
   * {@code maxInFlight} handshakes at a time, and returns once every one is welcomed.
   */
  void connect(int first, int count, IntFunction<byte[]> hello, int maxInFlight, Duration timeout)
      throws IOException, InterruptedException {
    Semaphore inFlight = new Semaphore(maxInFlight);
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = 0; i < count && failed.get() == 0; i++) {
      if (!inFlight.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new IOException("timed out after " + i + " of " + count + " streams");
      }
      ManagedChannel channel = channel();
      channels.add(channel);
      CompletableFuture<Void> welcomed = new CompletableFuture<>();
      ClientCall<byte[], byte[]> call = channel.newCall(ByteMethods.DOWNLINK, CallOptions.DEFAULT);
      call.start(new Stream(welcomed), new Metadata());
      call.sendMessage(hello.apply(first + i));
      // Every push may come: the stream's own flow control (HTTP/2 windows) still applies.
      call.request(Integer.MAX_VALUE);
      welcomed
          .orTimeout(60, TimeUnit.SECONDS)
          .whenComplete(
              (v, t) -> {
                if (t != null) {
                  failed.incrementAndGet();
                  firstFailure.compareAndSet(null, t);
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

  private ManagedChannel channel() {
    return NettyChannelBuilder.forAddress(server)
        .eventLoopGroup(group)
        .channelType(GrpcIo.channel(), InetSocketAddress.class)
        .usePlaintext()
        .directExecutor()
        .disableRetry() // no retry buffering on the client's path
        .build();
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
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    for (ManagedChannel c : channels) {
      try {
        c.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    channels.clear();
  }

  /** One downlink stream: the handshake, then pushes read in place. */
  private final class Stream extends ClientCall.Listener<byte[]> {
    private final CompletableFuture<Void> welcomed;
    private boolean ready;

    Stream(CompletableFuture<Void> welcomed) {
      this.welcomed = welcomed;
    }

    @Override
    public void onMessage(byte[] body) {
      if (ready) {
        long stamp = Wire.pushStamp(Unpooled.wrappedBuffer(body), 0, body.length);
        if (stamp != Wire.NOT_A_PUSH) {
          long now = System.nanoTime();
          latency.recordValue(Math.max(0, now - stamp));
          receivedBytes.add(body.length);
          // The time first: whoever sees the count reach its target also sees this time.
          lastReceiveNanos.accumulateAndGet(now, Math::max);
          received.increment();
        } else {
          otherFrames.incrementAndGet();
          lastProblem.set(brief(body));
        }
        return;
      }
      Frame f = parse(body);
      if (f != null && f.hasWelcome()) {
        ready = true;
        welcomed.complete(null);
      } else {
        welcomed.completeExceptionally(new IOException("handshake answered with " + brief(body)));
      }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      if (!closing && ready) {
        unexpectedCloses.incrementAndGet();
        lastProblem.set("stream ended: " + status);
      }
      welcomed.completeExceptionally(new IOException("stream ended before Welcome: " + status));
    }
  }

  private static Frame parse(byte[] body) {
    try {
      return Frame.parseFrom(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static String brief(byte[] body) {
    Frame f = parse(body);
    if (f == null) {
      return "undecodable frame";
    }
    return f.getKindCase()
        + (f.hasError() ? " " + f.getError().getCode() + ": " + f.getError().getMessage() : "");
  }
}

package io.linkgate.bench.grpc;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
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
 * Unary {@code Uplink(Send)} calls from K callers over C HTTP/2 connections (caller k uses
 * connection k mod C, so each connection carries K/C calls at once), each call with its caller's
 * {@code authorization: Bearer <token>} and {@code x-linkgate-device-id} metadata and a fresh
 * {@code client_msg_id}. A call counts when it ends OK with a {@code SendAck}; its latency is from
 * when it was due (closed loop: when it started) to when it ended.
 */
final class GrpcUplinks implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> DEVICE_ID =
      Metadata.Key.of("x-linkgate-device-id", Metadata.ASCII_STRING_MARSHALLER);

  /** One caller: a device of its own user. */
  record Caller(String token, String deviceId, String to) {}

  private final ManagedChannel[] channels;
  private final List<Caller> callers;
  private final ByteString payload;
  private final AtomicLong sequence = new AtomicLong();
  private final LongAdder completed = new LongAdder();
  private final LongAdder outstanding = new LongAdder();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicReference<String> lastFailure = new AtomicReference<>("");
  private final Recorder latency = new Recorder(3);
  private volatile boolean looping;

  GrpcUplinks(
      EventLoopGroup group, InetSocketAddress server, int connections, List<Caller> callers,
      int payloadBytes) {
    this.channels = new ManagedChannel[connections];
    for (int i = 0; i < connections; i++) {
      channels[i] =
          NettyChannelBuilder.forAddress(server)
              .eventLoopGroup(group)
              .channelType(GrpcIo.channel(), InetSocketAddress.class)
              .usePlaintext()
              .directExecutor()
              .disableRetry()
              .build();
    }
    this.callers = List.copyOf(callers);
    this.payload = ByteString.copyFrom(new byte[payloadBytes]);
  }

  /** What one measured window saw. */
  /**
   * @param calls calls measured
   * @param allCalls calls completed from the window's first call to its last answer, warm-up
   *     included: what the server's CPU time over the same span paid for
   */
  record Window(
      double callsPerSecond, Histogram latency, long calls, long allCalls, int failures,
      String lastFailure) {}

  /**
   * Closed loop: every caller keeps one call in flight, the next one starting as the last ends,
   * for {@code warmup} unmeasured and then {@code measured}.
   */
  Window closedLoop(Duration warmup, Duration measured) throws TimeoutException {
    int failedBefore = failed.get();
    long first = completed.sum();
    looping = true;
    for (int k = 0; k < callers.size(); k++) {
      call(k, System.nanoTime());
    }
    sleep(warmup);
    latency.getIntervalHistogram();
    long c0 = completed.sum();
    long t0 = System.nanoTime();
    sleep(measured);
    long c1 = completed.sum();
    long t1 = System.nanoTime();
    Histogram h = latency.getIntervalHistogram();
    looping = false;
    awaitQuiet(Duration.ofSeconds(30));
    return new Window(
        (c1 - c0) * 1e9 / (t1 - t0), h, c1 - c0, completed.sum() - first,
        failed.get() - failedBefore, lastFailure.get());
  }

  /**
   * Open loop: {@code rate} calls a second in all, callers in turn, for {@code duration}. Each
   * call's latency counts from when it was due, so a client or server that falls behind shows up
   * as latency rather than as a lower load.
   */
  Window paced(long rate, Duration duration) throws TimeoutException {
    int failedBefore = failed.get();
    long total = rate * duration.toMillis() / 1000;
    double interval = 1e9 / rate;
    latency.getIntervalHistogram();
    long c0 = completed.sum();
    long start = System.nanoTime() + 1_000_000;
    for (long i = 0; i < total; i++) {
      long due = start + (long) (i * interval);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      call((int) (i % callers.size()), due);
    }
    awaitQuiet(Duration.ofSeconds(60));
    long calls = completed.sum() - c0;
    long end = System.nanoTime();
    return new Window(
        calls * 1e9 / (end - start), latency.getIntervalHistogram(), calls, calls,
        failed.get() - failedBefore, lastFailure.get());
  }

  private void call(int k, long dueNanos) {
    Caller c = callers.get(k);
    ClientCall<byte[], byte[]> call =
        channels[k % channels.length].newCall(ByteMethods.UPLINK, CallOptions.DEFAULT);
    Metadata headers = new Metadata(); // gRPC adds its own keys to it: one per call
    headers.put(AUTHORIZATION, "Bearer " + c.token());
    headers.put(DEVICE_ID, c.deviceId());
    byte[] body =
        UplinkFrames.send(
            c.deviceId() + "-" + Long.toString(sequence.incrementAndGet(), 36), c.to(), payload);
    outstanding.increment();
    call.start(new Answer(k, dueNanos), headers);
    call.sendMessage(body);
    call.halfClose();
    call.request(2);
  }

  private void awaitQuiet(Duration timeout) throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (outstanding.sum() > 0) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(outstanding.sum() + " uplink calls still open; " + lastFailure.get());
      }
      LockSupport.parkNanos(1_000_000);
    }
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
    looping = false;
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
  }

  /** One call's end: counted, and in the closed loop the caller's next call starts. */
  private final class Answer extends ClientCall.Listener<byte[]> {
    private final int caller;
    private final long dueNanos;
    private byte[] answer;

    Answer(int caller, long dueNanos) {
      this.caller = caller;
      this.dueNanos = dueNanos;
    }

    @Override
    public void onMessage(byte[] message) {
      answer = message;
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      long now = System.nanoTime();
      boolean ok = status.isOk() && answer != null && UplinkFrames.isSendAck(answer, 0, answer.length);
      if (ok) {
        latency.recordValue(Math.max(0, now - dueNanos));
        completed.increment();
      } else {
        failed.incrementAndGet();
        lastFailure.set(status.isOk() ? "answered with a non-SendAck frame" : status.toString());
      }
      if (looping && ok) { // a failing caller stops rather than spin: the rate shows it
        call(caller, now);
      }
      outstanding.decrement();
    }
  }
}

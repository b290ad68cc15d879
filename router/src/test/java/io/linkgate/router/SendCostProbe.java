package io.linkgate.router;

import com.google.protobuf.ByteString;
import io.linkgate.api.EncodedFrame;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Send;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.UplinkSession;
import java.lang.management.ManagementFactory;

/**
 * Not a test: a main that measures what one {@code Send} to {@code user:X} costs the calling thread
 * through a router with the default business handler (heap bytes allocated and CPU time), both
 * users online on a channel that only reads the bytes, as a byte transport does. The request frames
 * are made outside the measured stretches.
 *
 * <p>Run with the router's test class path: {@code java -cp ... io.linkgate.router.SendCostProbe [sends] [true for
 * a traceparent header]}.
 */
final class SendCostProbe {
  private SendCostProbe() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
    boolean headers = args.length > 1 && Boolean.parseBoolean(args[1]);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    ByteString payload = ByteString.copyFromUtf8("x".repeat(100));
    try (Router router = Fixtures.router().build()) {
      Fixtures.join(router.openDownlink(Fixtures.downHello("alice", "a1", 0), Fixtures.DOWN, new DiscardingChannel()));
      Fixtures.join(router.openDownlink(Fixtures.downHello("bob", "b1", 0), Fixtures.DOWN, new DiscardingChannel()));
      UplinkSession up = Fixtures.uplink(router, "alice", "a1");
      int chunk = 10_000;
      Frame[] frames = new Frame[chunk];
      for (int round = 0; round < 5; round++) {
        long bytes = 0;
        long cpu = 0;
        for (int done = 0; done < n; done += chunk) {
          // The request frames are made apart: only the router's work is measured.
          for (int i = 0; i < chunk; i++) {
            frames[i] = frame(round, done + i, payload, headers);
          }
          long a0 = threads.getThreadAllocatedBytes(tid);
          long c0 = threads.getCurrentThreadCpuTime();
          for (Frame f : frames) {
            Frame answer = up.handle(f).toCompletableFuture().join();
            if (!answer.hasSendAck()) {
              throw new AssertionError(answer.toString());
            }
          }
          cpu += threads.getCurrentThreadCpuTime() - c0;
          bytes += threads.getThreadAllocatedBytes(tid) - a0;
        }
        System.out.printf(
            "round %d: %d sends, headers=%s: %.0f bytes/send, %.2f us CPU/send%n",
            round, n, headers, bytes / (double) n, cpu / 1000.0 / n);
      }
    }
  }

  private static Frame frame(int round, int i, ByteString payload, boolean headers) {
    Send.Builder send =
        Send.newBuilder().setClientMsgId("c" + round + "-" + i).setTo("user:bob").setPayload(payload);
    if (headers) {
      send.putHeaders("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    }
    return Frame.newBuilder().setSend(send).build();
  }

  /** Reads each frame's bytes, as a byte transport would write them, and keeps nothing. */
  private static final class DiscardingChannel implements DownlinkChannel {
    volatile long bytes;

    @Override
    public boolean send(EncodedFrame frame) {
      bytes += frame.bytes().length;
      return true;
    }

    @Override
    public void close(Frame lastFrame) {}

    @Override
    public boolean isOpen() {
      return true;
    }
  }
}

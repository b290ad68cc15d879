package io.linkgate.transport.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.linkgate.api.EncodedFrame;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.Limits;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the TCP transport tells the node's metrics, seen through a recording TransportEvents. */
class TransportEventsTest {
  private final TestCore core = new TestCore();
  private TcpServerTransport server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static Limits limits(int queueBytes, Duration handshake, int minHeartbeatMs) {
    Limits d = Servers.limits();
    return new Limits(
        d.maxFrameBytes(),
        queueBytes,
        handshake,
        minHeartbeatMs,
        d.maxHeartbeatMs(),
        d.defaultHeartbeatMs(),
        1.0,
        d.uplinkIdleTimeout());
  }

  private int downlink(Limits limits) throws Exception {
    TcpDownlinkTransport t = Servers.downlink(core, limits);
    server = t;
    return Servers.port(t);
  }

  private static Frame push(long seq, int payloadBytes) {
    return Frame.newBuilder()
        .setPush(Push.newBuilder().setSeq(seq).setPayload(ByteString.copyFrom(new byte[payloadBytes])))
        .build();
  }

  @Test
  void pushesWithAnAcceptTimeAreTimedAndTheQueueGaugeEmptiesWhenWritten() throws Exception {
    int port = downlink(Servers.limits());
    try (RawClient client = RawClient.connect(port)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      client.read(); // Welcome: no accept time, not timed
      DownlinkChannel channel = core.downlinks.get(0);
      for (long seq = 1; seq <= 3; seq++) {
        channel.send(EncodedFrame.of(push(seq, 10), System.nanoTime()));
      }
      channel.send(EncodedFrame.of(push(4, 10))); // a replay: no accept time
      for (int i = 0; i < 4; i++) {
        client.read();
      }
      await().untilAsserted(() -> assertThat(core.events.seen).containsExactly("push", "push", "push"));
      await().until(() -> core.events.queuedBytes.getAsLong() == 0);
    }
  }

  @Test
  void aClientThatNeverReadsIsOneSlowConsumerAndTheGaugeSawItsBytes() throws Exception {
    int port = downlink(limits(64 * 1024, Duration.ofSeconds(5), 100));
    try (RawClient client = RawClient.connect(port, 4096)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      await().until(() -> core.downlinks.size() == 1);
      DownlinkChannel channel = core.downlinks.get(0);
      EncodedFrame frame = EncodedFrame.encoded(push(1, 4000));
      long maxQueued = 0;
      while (channel.send(frame)) {
        maxQueued = Math.max(maxQueued, core.events.queuedBytes.getAsLong());
      }
      channel.send(frame); // refused again: still one slow consumer
      assertThat(maxQueued).isPositive();
      assertThat(core.events.count("slow consumer")).isEqualTo(1);
      await().until(() -> core.events.queuedBytes.getAsLong() == 0);
    }
  }

  @Test
  void aSilentDownlinkIsAHeartbeatTimeout() throws Exception {
    int port = downlink(limits(64 * 1024, Duration.ofSeconds(5), 100));
    try (RawClient client = RawClient.connect(port)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 100));
      client.read();
      await().atMost(Duration.ofSeconds(5)).until(() -> core.events.seen.contains("heartbeat timeout"));
    }
  }

  @Test
  void badAndOversizedFramesAndALateHelloAreErrorsOfTheirKind() throws Exception {
    int port = downlink(limits(64 * 1024, Duration.ofMillis(200), 100));
    try (RawClient garbage = RawClient.connect(port);
        RawClient oversized = RawClient.connect(port);
        RawClient silent = RawClient.connect(port)) {
      garbage.sendRaw(new byte[] {4, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
      oversized.sendRaw(FrameCodec.encode(push(1, 200_000)));
      await().until(() -> core.events.seen.size() >= 3);
      assertThat(core.events.seen)
          .containsExactlyInAnyOrder("error BAD_FRAME", "error FRAME_TOO_LARGE", "error HANDSHAKE_TIMEOUT");
    }
  }
}

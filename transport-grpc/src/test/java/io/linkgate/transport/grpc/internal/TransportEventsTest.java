package io.linkgate.transport.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.linkgate.api.EncodedFrame;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.Limits;
import io.linkgate.transport.grpc.proto.GatewayGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the gRPC transport tells the node's metrics, seen through a recording TransportEvents. */
class TransportEventsTest {
  private final Servers servers = new Servers();
  private final TestCore core = new TestCore();

  @AfterEach
  void close() throws Exception {
    servers.close();
  }

  private ClientCall<Frame, Frame> open(
      GrpcDownlinkTransport transport, RecordingCall<Frame> client, int heartbeatMs, int window) {
    ManagedChannel channel =
        servers.channel(
            NettyChannelBuilder.forAddress("127.0.0.1", transport.endpoints().get(0).getPort())
                .flowControlWindow(window));
    ClientCall<Frame, Frame> call =
        channel.newCall(GatewayGrpc.getDownlinkMethod(), CallOptions.DEFAULT);
    call.start(client, new Metadata());
    Hello hello =
        Hello.newBuilder()
            .setToken("t")
            .setDeviceId("phone")
            .setRole(Role.DOWNLINK)
            .setHeartbeatMs(heartbeatMs)
            .build();
    call.sendMessage(Frame.newBuilder().setHello(hello).build());
    call.request(1);
    return call;
  }

  private static Frame push(long seq, int payloadBytes) {
    return Frame.newBuilder()
        .setPush(Push.newBuilder().setSeq(seq).setPayload(ByteString.copyFrom(new byte[payloadBytes])))
        .build();
  }

  @Test
  void pushesWithAnAcceptTimeAreTimedAndTheQueueGaugeEmptiesWhenWritten() throws Exception {
    GrpcDownlinkTransport transport = servers.downlink(core, Servers.limits());
    RecordingCall<Frame> client = new RecordingCall<>();
    ClientCall<Frame, Frame> call = open(transport, client, 0, 1 << 20);
    assertThat(client.next().hasWelcome()).isTrue();
    DownlinkChannel out = core.downlinks.poll(5, TimeUnit.SECONDS);
    for (long seq = 1; seq <= 3; seq++) {
      out.send(EncodedFrame.of(push(seq, 10), System.nanoTime()));
    }
    out.send(EncodedFrame.of(push(4, 10))); // a replay: no accept time
    call.request(4);
    for (int i = 0; i < 4; i++) {
      assertThat(client.next().hasPush()).isTrue();
    }
    await().until(() -> core.events.count("push") == 3);
    assertThat(core.events.seen()).containsOnly("push");
    assertThat(core.events.queuedBytes()).isZero();
  }

  @Test
  void aClientThatReadsNothingIsOneSlowConsumer() throws Exception {
    GrpcDownlinkTransport transport = servers.downlink(core, Servers.limits());
    RecordingCall<Frame> client = new RecordingCall<>();
    open(transport, client, 0, 16 * 1024);
    client.next();
    DownlinkChannel out = core.downlinks.poll(5, TimeUnit.SECONDS);
    EncodedFrame frame = EncodedFrame.encoded(push(1, 4096));
    long mostQueued = 0;
    for (int i = 0; i < 10_000 && out.send(frame); i++) {
      mostQueued = Math.max(mostQueued, core.events.queuedBytes());
      Thread.sleep(1); // lets the call take what it can, so the queue is what stays behind
    }
    out.send(frame);
    assertThat(mostQueued).isPositive();
    assertThat(core.events.count("slow consumer")).isEqualTo(1);
    await().until(() -> core.events.queuedBytes() == 0);
  }

  @Test
  void aSilentCallIsAHeartbeatTimeout() throws Exception {
    Limits d = Servers.limits();
    Limits shortHeartbeat =
        new Limits(
            d.maxFrameBytes(),
            d.outboundQueueBytes(),
            d.handshakeTimeout(),
            100,
            d.maxHeartbeatMs(),
            d.defaultHeartbeatMs(),
            1.0,
            d.uplinkIdleTimeout());
    GrpcDownlinkTransport transport = servers.downlink(core, shortHeartbeat);
    RecordingCall<Frame> client = new RecordingCall<>();
    open(transport, client, 100, 1 << 20);
    client.next();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> core.events.seen().contains("heartbeat timeout"));
  }
}

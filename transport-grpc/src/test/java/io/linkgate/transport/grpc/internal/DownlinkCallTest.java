package io.linkgate.transport.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.linkgate.api.EncodedFrame;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.Limits;
import io.linkgate.transport.grpc.proto.GatewayGrpc;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server's Downlink call: flow control, the outbound bound, and how calls end. */
class DownlinkCallTest {
  private static final int CLIENT_WINDOW = 16 * 1024;
  private static final int PUSH_PAYLOAD = 4 * 1024;

  private final Servers servers = new Servers();
  private final TestCore core = new TestCore();

  @AfterEach
  void close() throws Exception {
    servers.close();
  }

  @Test
  void clientThatRequestsNothingIsClosedAsSlowConsumerWhileServerMemoryStaysBounded()
      throws Exception {
    Limits limits = Servers.limits();
    GrpcDownlinkTransport transport = servers.downlink(core, limits);
    ManagedChannel channel =
        servers.channel(
            NettyChannelBuilder.forAddress("127.0.0.1", transport.endpoints().get(0).getPort())
                .flowControlWindow(CLIENT_WINDOW));
    RecordingCall<Frame> client = new RecordingCall<>();
    ClientCall<Frame, Frame> call = open(channel, client, hello("slow"));
    assertThat(client.next().hasWelcome()).isTrue();
    CallDownlinkChannel out = (CallDownlinkChannel) core.downlinks.poll(5, TimeUnit.SECONDS);

    // The client asks for nothing more; the core pushes, at first as fast as the connection takes
    // them, then (once a push stays queued) until the channel refuses one.
    int bound = limits.outboundQueueBytes();
    long accepted = 0;
    long mostQueued = 0;
    int pushes = 0;
    boolean stuck = false;
    while (pushes < 10_000 && out.send(push(pushes + 1))) {
      pushes++;
      accepted += push(pushes).size();
      stuck = stuck || !drainsWithin(out, Duration.ofMillis(100));
      mostQueued = Math.max(mostQueued, out.queuedBytes());
    }
    assertThat(pushes).as("pushes accepted before the refusal").isLessThan(10_000);
    assertThat(mostQueued).as("bytes queued on the server").isLessThanOrEqualTo(bound);
    // Before anything stayed queued, gRPC took the client's window and its on-ready threshold.
    assertThat(accepted)
        .as("bytes accepted for a client that reads nothing (bound %d, window %d)",
            bound, CLIENT_WINDOW)
        .isGreaterThan(bound)
        .isLessThan(bound + CLIENT_WINDOW + 4L * PUSH_PAYLOAD);
    assertThat(out.isOpen()).isFalse();
    await().atMost(Duration.ofSeconds(5)).until(() -> core.downlinksClosed.get() == 1);

    // Reading again, the client finds a gap-free prefix, then the reason, then the status.
    call.request(Integer.MAX_VALUE);
    long seq = 1;
    Frame f;
    while ((f = client.next()).hasPush()) {
      assertThat(f.getPush().getSeq()).isEqualTo(seq++);
    }
    assertThat(seq - 1).as("every accepted push reaches the client").isEqualTo(pushes);
    assertThat(f.getError().getCode()).isEqualTo(ErrorCode.SLOW_CONSUMER);
    Status status = client.awaitStatus();
    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(GrpcErrors.trailerError(client.trailers).getCode())
        .isEqualTo(ErrorCode.SLOW_CONSUMER);
    assertThat(core.downlinksClosed.get()).as("onClosed exactly once").isEqualTo(1);
  }

  @Test
  void aFrameAloneIsAcceptedUpToTheWholeBound() throws Exception {
    GrpcDownlinkTransport transport = servers.downlink(core, Servers.limits());
    RecordingCall<Frame> client = new RecordingCall<>();
    ClientCall<Frame, Frame> call =
        open(servers.channel(transport.endpoints().get(0)), client, hello("big"));
    client.next();
    DownlinkChannel out = core.downlinks.poll(5, TimeUnit.SECONDS);
    int nearBound = Servers.limits().outboundQueueBytes() - 100; // over what the queue takes
    EncodedFrame big =
        EncodedFrame.of(
            Frame.newBuilder()
                .setPush(Push.newBuilder().setSeq(1).setPayload(ByteString.copyFrom(new byte[nearBound])))
                .build());
    assertThat(out.send(big)).as("a frame alone, within the bound").isTrue();
    call.request(1);
    assertThat(client.next().getPush().getPayload().size()).isEqualTo(nearBound);
    assertThat(out.isOpen()).isTrue();
  }

  @Test
  void whenWritableWaitsUntilTheClientReadsAgain() throws Exception {
    GrpcDownlinkTransport transport = servers.downlink(core, Servers.limits());
    ManagedChannel channel =
        servers.channel(
            NettyChannelBuilder.forAddress("127.0.0.1", transport.endpoints().get(0).getPort())
                .flowControlWindow(CLIENT_WINDOW));
    RecordingCall<Frame> client = new RecordingCall<>();
    ClientCall<Frame, Frame> call = open(channel, client, hello("paced"));
    client.next();
    DownlinkChannel out = core.downlinks.poll(5, TimeUnit.SECONDS);

    // Fill the client's window and gRPC's threshold, staying well under the bound.
    for (int i = 1; i <= 10; i++) {
      assertThat(out.send(push(i))).isTrue();
    }
    AtomicBoolean ran = new AtomicBoolean();
    out.whenWritable(() -> ran.set(true));
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !ran.get());

    call.request(Integer.MAX_VALUE);
    await().atMost(Duration.ofSeconds(5)).untilTrue(ran);
    assertThat(out.isOpen()).isTrue();
  }

  @Test
  void oversizedMessageAfterWelcomeResetsTheCallAndEndsTheSession() throws Exception {
    GrpcDownlinkTransport transport = servers.downlink(core, Servers.limits());
    ManagedChannel channel = servers.channel(transport.endpoints().get(0));
    RecordingCall<byte[]> client = new RecordingCall<>();
    ClientCall<byte[], byte[]> call =
        channel.newCall(
            GatewayGrpc.getDownlinkMethod().toBuilder(BYTES, BYTES).build(), CallOptions.DEFAULT);
    call.start(client, new Metadata());
    call.sendMessage(Frame.newBuilder().setHello(hello("big")).build().toByteArray());
    call.request(1);
    assertThat(Frame.parseFrom(client.next()).hasWelcome()).isTrue();

    call.sendMessage(new byte[Servers.limits().maxFrameBytes() + 1]);
    // gRPC can only reset a call that sent headers: the client sees CANCELLED, not the reason.
    assertThat(client.awaitStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
    await().atMost(Duration.ofSeconds(5)).until(() -> core.downlinksClosed.get() == 1);
    assertThat(core.downlinkFrames).as("frames handed to the session").isEmpty();
  }

  @Test
  void clientEndingItsSideEndsTheDownlinkWithOk() throws Exception {
    GrpcDownlinkTransport transport = servers.downlink(core, Servers.limits());
    RecordingCall<Frame> client = new RecordingCall<>();
    ClientCall<Frame, Frame> call =
        open(servers.channel(transport.endpoints().get(0)), client, hello("done"));
    call.request(10);
    assertThat(client.next().hasWelcome()).isTrue();
    call.halfClose();
    assertThat(client.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
    await().atMost(Duration.ofSeconds(5)).until(() -> core.downlinksClosed.get() == 1);
  }

  @Test
  void uplinkHelloOnTheDownlinkIsInvalidArgumentBeforeAnyMessage() throws Exception {
    GrpcDownlinkTransport transport = servers.downlink(core, Servers.limits());
    RecordingCall<Frame> client = new RecordingCall<>();
    open(
        servers.channel(transport.endpoints().get(0)),
        client,
        hello("wrong").toBuilder().setRole(Role.UPLINK).build());
    Status status = client.awaitStatus();
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(GrpcErrors.trailerError(client.trailers).getCode())
        .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(client.messages).as("no Welcome, no Error message: the status says it").isEmpty();
    assertThat(core.hellos).isEmpty();
  }

  @Test
  void refusedTokenIsUnauthenticatedAndGrantedHeartbeatIsTheClampedProposal() throws Exception {
    GrpcDownlinkTransport transport = servers.downlink(core, Servers.limits());
    ManagedChannel channel = servers.channel(transport.endpoints().get(0));

    RecordingCall<Frame> refused = new RecordingCall<>();
    open(channel, refused, hello(TestCore.REFUSED_TOKEN));
    assertThat(refused.awaitStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(GrpcErrors.trailerError(refused.trailers).getMessage()).isEqualTo("token refused");

    RecordingCall<Frame> ok = new RecordingCall<>();
    open(channel, ok, hello("fine").toBuilder().setHeartbeatMs(1).setRole(Role.ROLE_UNSPECIFIED).build());
    assertThat(ok.next().getWelcome().getHeartbeatMs())
        .isEqualTo(Servers.limits().minHeartbeatMs());
    core.hellos.poll();
    assertThat(core.hellos.poll().getRole()).as("the method sets the role").isEqualTo(Role.DOWNLINK);
  }

  // ---- helpers

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      };

  /** Waits briefly for the channel to hand its queue to gRPC; false if it stays queued. */
  private static boolean drainsWithin(CallDownlinkChannel out, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (out.queuedBytes() > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(1);
    }
    return true;
  }

  private static ClientCall<Frame, Frame> open(
      ManagedChannel channel, RecordingCall<Frame> listener, Hello hello) {
    ClientCall<Frame, Frame> call =
        channel.newCall(GatewayGrpc.getDownlinkMethod(), CallOptions.DEFAULT);
    call.start(listener, new Metadata());
    call.sendMessage(Frame.newBuilder().setHello(hello).build());
    call.request(1);
    return call;
  }

  private static Hello hello(String token) {
    return Hello.newBuilder().setToken(token).setDeviceId("phone").setRole(Role.DOWNLINK).build();
  }

  private static EncodedFrame push(long seq) {
    return EncodedFrame.of(
        Frame.newBuilder()
            .setPush(
                Push.newBuilder().setSeq(seq).setPayload(ByteString.copyFrom(new byte[PUSH_PAYLOAD])))
            .build());
  }
}

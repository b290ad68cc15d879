package io.linkgate.transport.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.TransportSettings;
import io.linkgate.transport.grpc.proto.GatewayGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Starting on ports that may be taken, and giving everything back on shutdown. */
class ServerLifecycleTest {
  private final TestCore core = new TestCore();

  @Test
  void busyPortFailsTheStartNamingItAndReleasesThePortsAlreadyBound() throws Exception {
    int free;
    try (ServerSocket probe = new ServerSocket(0)) {
      free = probe.getLocalPort();
    }
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress("127.0.0.1", 0));
      int taken = busy.getLocalPort();
      TransportSettings settings =
          TransportSettings.of("n", Role.DOWNLINK, "127.0.0.1", List.of(free, taken))
              .withOptions(Map.of("threads", "1"));
      GrpcDownlinkTransport transport = new GrpcDownlinkTransport(settings, core);
      assertThatThrownBy(transport::start)
          .isInstanceOf(IOException.class)
          .hasMessageContaining(String.valueOf(taken));
      assertThat(transport.endpoints()).isEmpty();
      transport.shutdown().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
    try (ServerSocket again = new ServerSocket()) {
      again.bind(new InetSocketAddress("127.0.0.1", free));
      assertThat(again.getLocalPort())
          .as("the port bound before the failure is free again")
          .isEqualTo(free);
    }
    awaitNoThreadsNamed("linkgate-grpc-downlink");
  }

  @Test
  void shutdownReleasesTheTransportsThreads() throws Exception {
    GrpcUplinkTransport transport =
        new GrpcUplinkTransport(Servers.settings(Role.UPLINK, Servers.limits()), core);
    transport.start();
    assertThat(liveThreadsNamed("linkgate-grpc-uplink")).isPositive();
    transport.shutdown().toCompletableFuture().get(15, TimeUnit.SECONDS);
    awaitNoThreadsNamed("linkgate-grpc-uplink");
    assertThat(transport.shutdown().toCompletableFuture().isDone()).as("idempotent").isTrue();
  }

  @Test
  void downlinkConnectionWithoutACallIsClosedAfterTheHandshakeTimeout() throws Exception {
    try (Servers servers = new Servers()) {
      GrpcDownlinkTransport transport = servers.downlink(core, Servers.limits());
      ManagedChannel channel = servers.channel(transport.endpoints().get(0));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> channel.getState(true) == ConnectivityState.READY);
      long start = System.nanoTime();
      CompletableFuture<ConnectivityState> left = new CompletableFuture<>();
      channel.notifyWhenStateChanged(
          ConnectivityState.READY, () -> left.complete(channel.getState(false)));
      assertThat(left.get(5, TimeUnit.SECONDS)).isNotEqualTo(ConnectivityState.READY);
      assertThat((System.nanoTime() - start) / 1_000_000)
          .as("ms a connection without a call stays open")
          .isGreaterThanOrEqualTo(Servers.limits().handshakeTimeout().toMillis() * 8 / 10);
    }
  }

  @Test
  void afterStopAcceptingOpenConnectionsTakeNoNewDownlinkOrUplinkButServeOpenUplinks()
      throws Exception {
    try (Servers servers = new Servers()) {
      GrpcDownlinkTransport downlinks = servers.downlink(core, Servers.limits());
      GrpcUplinkTransport uplinks = servers.uplink(core, Servers.limits());
      ManagedChannel down = servers.channel(downlinks.endpoints().get(0));
      ManagedChannel up = servers.channel(uplinks.endpoints().get(0));
      Frame hello = Frame.newBuilder().setHello(Hello.newBuilder().setToken("alice")).build();
      // Both connections are up before the transports stop accepting.
      assertThat(unary(up, new Metadata(), hello).hasWelcome()).isTrue();
      RecordingCall<Frame> open = new RecordingCall<>();
      ClientCall<Frame, Frame> openCall = downlinkCall(down, open, hello);
      assertThat(open.next().hasWelcome()).isTrue();

      downlinks.stopAccepting();
      uplinks.stopAccepting();

      RecordingCall<Frame> refused = new RecordingCall<>();
      downlinkCall(down, refused, hello);
      assertThat(refused.awaitStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThatThrownBy(() -> unary(up, new Metadata(), hello))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

      Frame pong = unary(up, Headers.uplink("alice", "d"), Frames.ping(4));
      assertThat(pong.getPong().getNonce()).as("an open uplink's frame call").isEqualTo(4);
      openCall.sendMessage(Frames.ping(5));
      assertThat(open.next().getPong().getNonce()).as("the open downlink").isEqualTo(5);
    }
  }

  private static Frame unary(ManagedChannel channel, Metadata headers, Frame frame) {
    return ClientCalls.blockingUnaryCall(
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
        GatewayGrpc.getUplinkMethod(),
        CallOptions.DEFAULT,
        frame);
  }

  private static ClientCall<Frame, Frame> downlinkCall(
      ManagedChannel channel, RecordingCall<Frame> listener, Frame hello) {
    ClientCall<Frame, Frame> call =
        channel.newCall(GatewayGrpc.getDownlinkMethod(), CallOptions.DEFAULT);
    call.start(listener, new Metadata());
    call.sendMessage(hello);
    call.request(10);
    return call;
  }

  private static void awaitNoThreadsNamed(String prefix) {
    await().atMost(Duration.ofSeconds(5)).until(() -> liveThreadsNamed(prefix) == 0);
  }

  private static long liveThreadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .count();
  }
}

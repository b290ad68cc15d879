package io.linkgate.transport.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.linkgate.api.EncodedFrame;
import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientTransportOptions;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.TransportSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client side against the real server side: TLS, failures, ordering, limits. */
class ClientTransportTest {
  private final Servers servers = new Servers();
  private final TestCore core = new TestCore();
  private GrpcClientTransport client = new GrpcClientTransport(options(Duration.ofSeconds(5), false));

  @AfterEach
  void close() throws Exception {
    client.close();
    servers.close();
  }

  @Test
  void tlsListenersServeClientsThatTrustTheirCertificate(@TempDir Path dir) throws Exception {
    TransportSettings down = Servers.settings(Role.DOWNLINK, Servers.limits());
    TransportSettings up = Servers.settings(Role.UPLINK, Servers.limits());
    var tls = TestCertificates.write(dir);
    GrpcDownlinkTransport downlinks =
        servers.start(new GrpcDownlinkTransport(down.withTls(tls), core));
    GrpcUplinkTransport uplinks = servers.start(new GrpcUplinkTransport(up.withTls(tls), core));
    Endpoint downEndpoint = downlinks.endpoints().get(0);
    assertThat(downEndpoint.getTls()).isTrue();

    // Trusting the certificate itself, with the host name checked.
    client.close();
    client =
        new GrpcClientTransport(
            new ClientTransportOptions(
                65536,
                Duration.ofSeconds(5),
                Optional.empty(),
                false,
                Map.of("trustCertificates", tls.certificateChain().toString())));
    Recorder recorder = new Recorder();
    ClientDownlink link = get(client.openDownlink(downEndpoint, hello("alice"), recorder));
    assertThat(link.welcome().getUserId()).isEqualTo("alice");
    ClientUplink uplink = get(client.openUplink(uplinks.endpoints().get(0), hello("alice")));
    assertThat(get(uplink.call(Frames.ping(3))).getPong().getNonce()).isEqualTo(3);
    ConnectionInfo seen = core.infos.poll(5, TimeUnit.SECONDS);
    assertThat(seen.tls()).as("ConnectionInfo.tls on a TLS listener").isTrue();
  }

  @Test
  void untrustedServerCertificateFailsTheOpenWithIoException(@TempDir Path dir) throws Exception {
    TransportSettings down = Servers.settings(Role.DOWNLINK, Servers.limits());
    GrpcDownlinkTransport downlinks =
        servers.start(new GrpcDownlinkTransport(down.withTls(TestCertificates.write(dir)), core));
    Throwable failure =
        failureOf(client.openDownlink(downlinks.endpoints().get(0), hello("alice"), new Recorder()));
    assertThat(failure).isInstanceOf(IOException.class);
    assertThat(core.hellos).isEmpty();
  }

  @Test
  void nothingListeningFailsTheOpenWithIoException() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Endpoint nowhere =
        Endpoint.newBuilder().setTransport("grpc").setHost("127.0.0.1").setPort(port).build();
    assertThat(failureOf(client.openDownlink(nowhere, hello("a"), new Recorder())))
        .isInstanceOf(IOException.class);
    assertThat(failureOf(client.openUplink(nowhere, hello("a")))).isInstanceOf(IOException.class);
  }

  @Test
  void noWelcomeWithinTheConnectTimeoutFailsWithSocketTimeout() throws Exception {
    core.downlinkOpensHang = true;
    core.uplinkAuthentication = new CompletableFuture<>();
    var slowHandshakes =
        new io.linkgate.api.transport.Limits(
            65536, 65536, Duration.ofSeconds(30), 200, 60_000, 30_000, 2.5, Duration.ofSeconds(60));
    Endpoint down = servers.downlink(core, slowHandshakes).endpoints().get(0);
    Endpoint up = servers.uplink(core, slowHandshakes).endpoints().get(0);
    client.close();
    client = new GrpcClientTransport(options(Duration.ofMillis(300), false));
    assertThat(failureOf(client.openDownlink(down, hello("a"), new Recorder())))
        .isInstanceOf(SocketTimeoutException.class);
    assertThat(failureOf(client.openUplink(up, hello("a"))))
        .isInstanceOf(SocketTimeoutException.class);
  }

  @Test
  void refusalBeforeWelcomeFailsTheOpenWithTheServersCode() throws Exception {
    Endpoint down = servers.downlink(core, Servers.limits()).endpoints().get(0);
    Endpoint up = servers.uplink(core, Servers.limits()).endpoints().get(0);
    for (CompletionStage<?> open :
        new CompletionStage<?>[] {
          client.openDownlink(down, hello(TestCore.REFUSED_TOKEN), new Recorder()),
          client.openUplink(up, hello(TestCore.REFUSED_TOKEN))
        }) {
      assertThat(failureOf(open))
          .isInstanceOfSatisfying(
              GatewayException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
                assertThat(e.getMessage()).isEqualTo("token refused");
              });
    }
  }

  @Test
  void uplinkAnswersCompleteInTheOrderOfTheCalls() throws Exception {
    CompletableFuture<Frame> firstAnswer = new CompletableFuture<>();
    core.uplinkAnswers =
        f ->
            f.getPing().getNonce() == 1
                ? firstAnswer
                : CompletableFuture.completedFuture(Frames.pong(f.getPing().getNonce()));
    ClientUplink uplink =
        get(client.openUplink(servers.uplink(core, Servers.limits()).endpoints().get(0), hello("a")));
    CompletableFuture<Frame> first = uplink.call(Frames.ping(1)).toCompletableFuture();
    CompletableFuture<Frame> second = uplink.call(Frames.ping(2)).toCompletableFuture();
    await().atMost(Duration.ofSeconds(5)).until(() -> core.uplinkFrames.size() == 2);
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !second.isDone());
    firstAnswer.complete(Frames.pong(1));
    assertThat(get(second).getPong().getNonce()).isEqualTo(2);
    assertThat(first).isCompletedWithValue(Frames.pong(1));
  }

  @Test
  void uplinkCallRefusedForItsTokenFailsWithIoExceptionAndEndsTheUplink() throws Exception {
    Endpoint up = servers.uplink(core, Servers.limits()).endpoints().get(0);
    ClientUplink uplink = get(client.openUplink(up, hello("alice")));
    assertThat(uplink.isOpen()).isTrue();
    // The core now refuses every token: as for a token that expired after the uplink opened.
    core.uplinkAuthentication =
        CompletableFuture.failedFuture(new GatewayException(ErrorCode.UNAUTHENTICATED, "expired"));
    Throwable failure = failureOf(uplink.call(Frames.ping(1)));
    assertThat(failure).isInstanceOf(IOException.class);
    assertThat(failure.getCause())
        .isInstanceOfSatisfying(
            GatewayException.class, g -> assertThat(g.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    assertThat(uplink.isOpen()).isFalse();
    assertThat(failureOf(uplink.call(Frames.ping(2)))).isInstanceOf(IOException.class);
  }

  @Test
  void uplinkIsClosedOnceTheServerGoesAway() throws Exception {
    GrpcUplinkTransport uplinks = servers.uplink(core, Servers.limits());
    ClientUplink uplink = get(client.openUplink(uplinks.endpoints().get(0), hello("alice")));
    assertThat(uplink.isOpen()).isTrue();
    get(uplinks.shutdown());
    await().atMost(Duration.ofSeconds(5)).until(() -> !uplink.isOpen());
    assertThat(failureOf(uplink.call(Frames.ping(1)))).isInstanceOf(IOException.class);
  }

  @Test
  void errorThatEndsTheDownlinkReachesTheListenerOnceThenTheClose() throws Exception {
    Endpoint down = servers.downlink(core, Servers.limits()).endpoints().get(0);
    Recorder recorder = new Recorder();
    ClientDownlink link = get(client.openDownlink(down, hello("alice"), recorder));
    DownlinkChannel channel = core.downlinks.poll(5, TimeUnit.SECONDS);
    channel.close(Frames.error(ErrorCode.RESYNC_REQUIRED, "history reset"));
    Frame f = recorder.frames.poll(5, TimeUnit.SECONDS);
    assertThat(f.getError().getCode()).isEqualTo(ErrorCode.RESYNC_REQUIRED);
    Throwable cause = recorder.closed.get(5, TimeUnit.SECONDS);
    assertThat(cause).isInstanceOf(IOException.class).hasMessageContaining("ABORTED");
    assertThat(recorder.frames).as("the trailer's copy of the Error is not delivered again").isEmpty();
    assertThat(link.isOpen()).isFalse();
  }

  @Test
  void frameOverTheClientsLimitClosesTheDownlink() throws Exception {
    Endpoint down = servers.downlink(core, Servers.limits()).endpoints().get(0);
    client.close();
    client =
        new GrpcClientTransport(
            new ClientTransportOptions(
                1024, Duration.ofSeconds(5), Optional.empty(), false, Map.of()));
    Recorder recorder = new Recorder();
    get(client.openDownlink(down, hello("alice"), recorder));
    DownlinkChannel channel = core.downlinks.poll(5, TimeUnit.SECONDS);
    channel.send(
        EncodedFrame.of(
            Frame.newBuilder()
                .setPush(Push.newBuilder().setSeq(1).setPayload(ByteString.copyFrom(new byte[2048])))
                .build()));
    assertThat(recorder.closed.get(5, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
    assertThat(recorder.frames).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> core.downlinksClosed.get() == 1);
  }

  @Test
  void closingTheTransportClosesItsDownlinksWithoutCause() throws Exception {
    Endpoint down = servers.downlink(core, Servers.limits()).endpoints().get(0);
    Recorder recorder = new Recorder();
    ClientDownlink link = get(client.openDownlink(down, hello("alice"), recorder));
    link.send(Frames.ping(9));
    assertThat(recorder.frames.poll(5, TimeUnit.SECONDS).getPong().getNonce()).isEqualTo(9);
    client.close();
    assertThat(recorder.closed.get(5, TimeUnit.SECONDS)).isNull();
    assertThat(link.isOpen()).isFalse();
    await().atMost(Duration.ofSeconds(5)).until(() -> core.downlinksClosed.get() == 1);
  }

  // ---- helpers

  private static ClientTransportOptions options(Duration timeout, boolean trustAll) {
    return new ClientTransportOptions(65536, timeout, Optional.empty(), trustAll, Map.of());
  }

  private static Hello hello(String token) {
    return Hello.newBuilder().setToken(token).setDeviceId("phone").build();
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(CompletionStage<?> stage) throws Exception {
    try {
      Object value = stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  private static final class Recorder implements ClientDownlink.Listener {
    final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<Throwable> closed = new CompletableFuture<>();

    @Override
    public void onFrame(Frame frame) {
      frames.add(frame);
    }

    @Override
    public void onClosed(Throwable cause) {
      closed.complete(cause);
    }
  }
}

package io.linkgate.transport.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.transport.grpc.proto.GatewayGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server's unary Uplink call: metadata, Hello calls, deadlines, cancellation. */
class UplinkCallTest {
  private final Servers servers = new Servers();
  private final TestCore core = new TestCore();
  private ManagedChannel channel;
  private Endpoint endpoint;

  @BeforeEach
  void start() throws Exception {
    endpoint = servers.uplink(core, Servers.limits()).endpoints().get(0);
    channel = servers.channel(endpoint);
  }

  @AfterEach
  void close() throws Exception {
    servers.close();
  }

  @Test
  void helloCallWithoutAuthorizationIsAnsweredWithTheWelcome() {
    Frame helloFrame = Frame.newBuilder().setHello(hello("alice")).build();
    Frame answer = unary(new Metadata(), helloFrame, CallOptions.DEFAULT);
    assertThat(answer.getWelcome().getUserId()).isEqualTo("alice");
    assertThat(core.uplinkFrames).as("a Hello call hands no frame to the session").isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> core.uplinksClosed.get() == 1);
  }

  @Test
  void frameCallTakesTokenAndDeviceIdFromTheMetadata() throws Exception {
    Metadata headers = Headers.uplink("alice", "alice's téléphone");
    Frame answer = unary(headers, Frames.ping(7), CallOptions.DEFAULT);
    assertThat(answer.getPong().getNonce()).isEqualTo(7);
    Hello seen = core.hellos.poll(5, TimeUnit.SECONDS);
    assertThat(seen.getToken()).isEqualTo("alice");
    assertThat(seen.getDeviceId()).isEqualTo("alice's téléphone");
    assertThat(seen.getRole()).isEqualTo(Role.UPLINK);
    assertThat(core.infos.poll().transport()).isEqualTo("grpc");
    await().atMost(Duration.ofSeconds(5)).until(() -> core.uplinksClosed.get() == 1);
  }

  @Test
  void everyCallNamesItsOwnConnectionsPeer() throws Exception {
    ManagedChannel other = servers.channel(endpoint);
    List<String> remotes = new ArrayList<>();
    for (ManagedChannel c : List.of(channel, other, channel, other)) {
      ClientCalls.blockingUnaryCall(
          ClientInterceptors.intercept(
              c, MetadataUtils.newAttachHeadersInterceptor(Headers.uplink("alice", "phone"))),
          GatewayGrpc.getUplinkMethod(),
          CallOptions.DEFAULT,
          Frames.ping(1));
      remotes.add(core.infos.poll(5, TimeUnit.SECONDS).remoteAddress());
    }
    assertThat(remotes).allMatch(r -> r.matches("127\\.0\\.0\\.1:\\d+"), "host:port");
    assertThat(remotes.get(2)).as("the same connection").isEqualTo(remotes.get(0));
    assertThat(remotes.get(3)).as("the same connection").isEqualTo(remotes.get(1));
    assertThat(remotes.get(1)).as("another connection").isNotEqualTo(remotes.get(0));
  }

  @Test
  void frameCallWithoutAuthorizationIsUnauthenticated() {
    assertThatThrownBy(() -> unary(new Metadata(), Frames.ping(1), CallOptions.DEFAULT))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(GrpcErrors.trailerError(e.getTrailers()).getCode())
                  .isEqualTo(ErrorCode.UNAUTHENTICATED);
            });
    assertThat(core.hellos).isEmpty();
  }

  @Test
  void authorizationThatIsNotBearerIsUnauthenticated() {
    Metadata basic = new Metadata();
    basic.put(Headers.AUTHORIZATION, "Basic YWxpY2U6c2VjcmV0");
    assertThatThrownBy(() -> unary(basic, Frames.ping(1), CallOptions.DEFAULT))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  @Test
  void refusedTokenIsUnauthenticatedWithTheCoresReason() {
    assertThatThrownBy(
            () ->
                unary(
                    Headers.uplink(TestCore.REFUSED_TOKEN, "d"), Frames.ping(1), CallOptions.DEFAULT))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription()).isEqualTo("token refused");
            });
  }

  @Test
  void callWhoseDeadlinePassesWhileAuthenticatingIsNotHandled() {
    CompletableFuture<Void> authentication = new CompletableFuture<>();
    core.uplinkAuthentication = authentication;
    assertThatThrownBy(
            () ->
                unary(
                    Headers.uplink("alice", "d"),
                    Frames.ping(1),
                    CallOptions.DEFAULT.withDeadlineAfter(200, TimeUnit.MILLISECONDS)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    // The client gave up at its deadline; the server's own copy of it (from grpc-timeout, counted
    // from when the call arrived) passes a little later. Answer once the server knows.
    io.grpc.Context serverSide = core.uplinkContexts.peek();
    assertThat(serverSide).isNotNull();
    await().atMost(Duration.ofSeconds(5)).until(serverSide::isCancelled);
    authentication.complete(null); // the authenticator answers after the deadline
    await().atMost(Duration.ofSeconds(5)).until(() -> core.uplinksClosed.get() == 1);
    assertThat(core.uplinkFrames).as("frames handled after the deadline").isEmpty();
  }

  @Test
  void cancelledCallClosesItsSessionWhileTheCoreWorks() throws Exception {
    CompletableFuture<Frame> never = new CompletableFuture<>();
    core.uplinkAnswers = f -> never;
    RecordingCall<Frame> listener = new RecordingCall<>();
    ClientCall<Frame, Frame> call =
        channel.newCall(GatewayGrpc.getUplinkMethod(), CallOptions.DEFAULT);
    call.start(listener, Headers.uplink("alice", "d"));
    call.sendMessage(Frames.ping(1));
    call.halfClose();
    call.request(1);
    assertThat(core.uplinkFrames.poll(5, TimeUnit.SECONDS)).isNotNull();
    call.cancel("the client gives up", null);
    await().atMost(Duration.ofSeconds(5)).until(() -> core.uplinksClosed.get() == 1);
    never.complete(Frames.pong(1)); // a late answer goes nowhere, and breaks nothing
    assertThat(listener.awaitStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
  }

  @Test
  void secondFrameInOneCallCancelsItUnhandled() throws Exception {
    // Declared streaming on this side so that gRPC's client lets two messages go.
    RecordingCall<Frame> listener = new RecordingCall<>();
    ClientCall<Frame, Frame> call = channel.newCall(STREAMING_UPLINK, CallOptions.DEFAULT);
    call.start(listener, Headers.uplink("alice", "d"));
    call.sendMessage(Frames.ping(1));
    call.sendMessage(Frames.ping(2));
    call.halfClose();
    call.request(2);
    // gRPC's server refuses a unary call's second message itself, by resetting the call.
    assertThat(listener.awaitStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(core.uplinkFrames).isEmpty();
  }

  @Test
  void callWithoutAFrameInTimeIsDeadlineExceededWithTimeout() throws Exception {
    RecordingCall<Frame> listener = new RecordingCall<>();
    ClientCall<Frame, Frame> call = channel.newCall(STREAMING_UPLINK, CallOptions.DEFAULT);
    long start = System.nanoTime();
    call.start(listener, Headers.uplink("alice", "d"));
    call.request(1);
    assertThat(listener.awaitStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(GrpcErrors.trailerError(listener.trailers).getCode()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat((System.nanoTime() - start) / 1_000_000)
        .as("ms until the call without a frame is ended")
        .isGreaterThanOrEqualTo(Servers.limits().handshakeTimeout().toMillis() * 8 / 10);
  }

  /**
   * The Uplink method declared streaming on this side: gRPC's client then sends headers without a
   * message, and lets two messages go.
   */
  private static final MethodDescriptor<Frame, Frame> STREAMING_UPLINK =
      GatewayGrpc.getUplinkMethod().toBuilder().setType(MethodDescriptor.MethodType.UNKNOWN).build();

  private Frame unary(Metadata headers, Frame frame, CallOptions options) {
    return ClientCalls.blockingUnaryCall(
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
        GatewayGrpc.getUplinkMethod(),
        options,
        frame);
  }

  private static Hello hello(String token) {
    return Hello.newBuilder().setToken(token).setDeviceId("phone").setRole(Role.UPLINK).build();
  }
}

package io.linkgate.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Error;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Ping;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.PushAck;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Send;
import io.linkgate.api.transport.DownlinkTransport;
import io.linkgate.api.transport.Transport;
import io.linkgate.api.transport.TransportSettings;
import io.linkgate.api.transport.UplinkTransport;
import io.linkgate.router.DeviceSession;
import io.linkgate.router.Hs256Authenticator;
import io.linkgate.router.Router;
import io.linkgate.transport.grpc.proto.GatewayGrpc;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A client that knows only {@code gateway.proto}: plain generated stubs and metadata, no Linkgate
 * client classes, against a node assembled as the kit assembles one (a real in-memory router, the
 * transport created through its Guice module). This is what a client in another language does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratedStubInteropTest {
  /** The wire names a generated client uses; spelled out here rather than taken from our code. */
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final Metadata.Key<String> DEVICE_ID =
      Metadata.Key.of("x-linkgate-device-id", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<Error> ERROR =
      Metadata.Key.of("x-linkgate-error-bin", ProtoUtils.metadataMarshaller(Error.getDefaultInstance()));

  private static final Metadata.Key<String> RETRY_PUSHBACK_MS =
      Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);
  private static final double SENDS_PER_SECOND = 2;

  private final byte[] secret = new byte[32];
  private Router router;
  private DownlinkTransport downlinks;
  private UplinkTransport uplinks;
  private ManagedChannel downChannel;
  private ManagedChannel upChannel;

  @BeforeAll
  void startNode() throws Exception {
    new SecureRandom().nextBytes(secret);
    Injector injector = Guice.createInjector(new GrpcTransportProvider().module());
    router =
        Router.builder()
            .nodeId("interop")
            .authenticator(new Hs256Authenticator(secret))
            // One send at once per user, then one each 500 ms: the rate-limit tests go past it.
            .sendRate(SENDS_PER_SECOND, 1)
            .build();
    downlinks =
        injector
            .getInstance(Key.get(new TypeLiteral<Map<String, DownlinkTransport.Factory>>() {}))
            .get("grpc")
            .create(settings(Role.DOWNLINK), router);
    uplinks =
        injector
            .getInstance(Key.get(new TypeLiteral<Map<String, UplinkTransport.Factory>>() {}))
            .get("grpc")
            .create(settings(Role.UPLINK), router);
    downlinks.start();
    uplinks.start();
    downChannel = channel(downlinks);
    upChannel = channel(uplinks);
  }

  @AfterAll
  void stopNode() throws Exception {
    downChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    upChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    for (Transport t : List.of(downlinks, uplinks)) {
      t.shutdown().toCompletableFuture().get(15, TimeUnit.SECONDS);
    }
    router.close();
  }

  @Test
  void helloWelcomeSendAckPushAndPushAckWithGeneratedStubs() throws Exception {
    Observer bob = new Observer();
    StreamObserver<Frame> bobSends = GatewayGrpc.newStub(downChannel).downlink(bob);
    bobSends.onNext(hello("bob", "bob-phone", Role.DOWNLINK));
    Frame welcome = bob.next();
    assertThat(welcome.getWelcome().getUserId()).isEqualTo("bob");
    assertThat(welcome.getWelcome().getSessionId()).isNotEmpty();

    var uplink = GatewayGrpc.newBlockingStub(upChannel);
    Frame upWelcome = uplink.uplink(hello("alice", "alice-phone", Role.UPLINK));
    assertThat(upWelcome.getWelcome().getUserId())
        .as("a Hello without metadata opens the uplink")
        .isEqualTo("alice");

    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token("alice"));
    headers.put(DEVICE_ID, "alice-phone");
    Frame ack =
        uplink
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .uplink(
                Frame.newBuilder()
                    .setSend(
                        Send.newBuilder()
                            .setClientMsgId("c-1")
                            .setTo("user:bob")
                            .setPayload(ByteString.copyFromUtf8("hi bob")))
                    .build());
    assertThat(ack.getSendAck().getClientMsgId()).isEqualTo("c-1");

    Push push = bob.next().getPush();
    assertThat(push.getSeq()).isEqualTo(1);
    assertThat(push.getFrom()).isEqualTo("alice");
    assertThat(push.getPayload().toStringUtf8()).isEqualTo("hi bob");
    assertThat(push.getMsgId()).isEqualTo(ack.getSendAck().getMsgId());

    bobSends.onNext(Frame.newBuilder().setPushAck(PushAck.newBuilder().setUpToSeq(1)).build());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ackedSeq("bob", "bob-phone") == 1);
    bobSends.onNext(Frame.newBuilder().setPing(Ping.newBuilder().setNonce(5)).build());
    assertThat(bob.next().getPong().getNonce()).isEqualTo(5);

    bobSends.onCompleted();
    assertThat(bob.closed.get(5, TimeUnit.SECONDS)).isNull(); // ended with status OK
  }

  @Test
  void badTokenIsUnauthenticatedWithTheErrorInTheTrailers() throws Exception {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer not-a-token");
    assertThatThrownBy(
            () ->
                GatewayGrpc.newBlockingStub(upChannel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .uplink(Frame.newBuilder().setPing(Ping.newBuilder().setNonce(1)).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getTrailers().get(ERROR).getCode())
                  .isEqualTo(ErrorCode.UNAUTHENTICATED);
            });

    Observer mallory = new Observer();
    GatewayGrpc.newStub(downChannel)
        .downlink(mallory)
        .onNext(
            Frame.newBuilder()
                .setHello(
                    Hello.newBuilder()
                        .setToken("not-a-token")
                        .setDeviceId("m-phone")
                        .setRole(Role.DOWNLINK))
                .build());
    Throwable closed = mallory.closed.get(5, TimeUnit.SECONDS);
    assertThat(Status.fromThrowable(closed).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(mallory.frames).as("no Welcome").isEmpty();
  }

  @Test
  void aSendPastTheRateIsResourceExhaustedWithTheHintInTheTrailers() {
    var carol = uplinkAs(GatewayGrpc.newBlockingStub(upChannel), "carol");
    assertThat(carol.uplink(send("c-1", "user:frank")).getSendAck().getClientMsgId()).isEqualTo("c-1");
    assertThatThrownBy(() -> carol.uplink(send("c-2", "user:frank")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              Error error = e.getTrailers().get(ERROR);
              assertThat(error.getCode()).isEqualTo(ErrorCode.RATE_LIMITED);
              assertThat(error.getClientMsgId()).isEqualTo("c-2");
              assertThat(error.getRetryAfterMs())
                  .as("a token every %s ms", 1000 / SENDS_PER_SECOND)
                  .isBetween(1, (int) (1000 / SENDS_PER_SECOND));
              assertThat(e.getTrailers().get(RETRY_PUSHBACK_MS))
                  .as("gRPC's own pushback trailer")
                  .isEqualTo(Integer.toString(error.getRetryAfterMs()));
            });
  }

  /**
   * A generated stub on a channel whose retry policy retries RESOURCE_EXHAUSTED almost at once: only
   * by waiting out {@code grpc-retry-pushback-ms} does its second send get through.
   */
  @Test
  void aGrpcRetryPolicyWaitsOutThePushback() throws Exception {
    Map<String, Object> retryPolicy =
        Map.of(
            "maxAttempts", 3.0,
            "initialBackoff", "0.01s",
            "maxBackoff", "0.01s",
            "backoffMultiplier", 1.0,
            "retryableStatusCodes", List.of("RESOURCE_EXHAUSTED"));
    Map<String, Object> serviceConfig =
        Map.of(
            "methodConfig",
            List.of(
                Map.of(
                    "name", List.of(Map.of("service", "linkgate.v1.Gateway")),
                    "retryPolicy", retryPolicy)));
    Endpoint e = uplinks.endpoints().get(0);
    ManagedChannel retrying =
        NettyChannelBuilder.forAddress(e.getHost(), e.getPort())
            .usePlaintext()
            .defaultServiceConfig(serviceConfig)
            .enableRetry()
            .build();
    try {
      var dave = uplinkAs(GatewayGrpc.newBlockingStub(retrying), "dave");
      long start = System.nanoTime();
      assertThat(dave.uplink(send("d-1", "user:frank")).hasSendAck()).isTrue();
      assertThat(dave.uplink(send("d-2", "user:frank")).getSendAck().getClientMsgId())
          .as("the send refused at first, retried after the pushback")
          .isEqualTo("d-2");
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(elapsedMs)
          .as("two sends of one user at %s/s, burst 1", SENDS_PER_SECOND)
          .isGreaterThanOrEqualTo((long) (1000 / SENDS_PER_SECOND) * 9 / 10);
    } finally {
      retrying.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private GatewayGrpc.GatewayBlockingStub uplinkAs(GatewayGrpc.GatewayBlockingStub stub, String user) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token(user));
    headers.put(DEVICE_ID, user + "-phone");
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static Frame send(String clientMsgId, String to) {
    return Frame.newBuilder()
        .setSend(
            Send.newBuilder()
                .setClientMsgId(clientMsgId)
                .setTo(to)
                .setPayload(ByteString.copyFromUtf8(clientMsgId)))
        .build();
  }

  private long ackedSeq(String user, String device) throws Exception {
    for (DeviceSession s : router.sessionsOf(user).toCompletableFuture().get(5, TimeUnit.SECONDS)) {
      if (s.deviceId().equals(device)) {
        return s.ackedSeq();
      }
    }
    return -1;
  }

  private Frame hello(String user, String device, Role role) {
    return Frame.newBuilder()
        .setHello(Hello.newBuilder().setToken(token(user)).setDeviceId(device).setRole(role))
        .build();
  }

  private String token(String user) {
    return Hs256Authenticator.mint(secret, user, Duration.ofMinutes(5));
  }

  private static TransportSettings settings(Role role) {
    return TransportSettings.of("interop", role, "127.0.0.1", List.of(0))
        .withOptions(Map.of("threads", "1"));
  }

  private static ManagedChannel channel(Transport t) {
    Endpoint e = t.endpoints().get(0);
    return NettyChannelBuilder.forAddress(e.getHost(), e.getPort()).usePlaintext().build();
  }

  /** What a downlink stream received, and how it ended (null: status OK). */
  private static final class Observer implements StreamObserver<Frame> {
    final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<Throwable> closed = new CompletableFuture<>();

    @Override
    public void onNext(Frame frame) {
      frames.add(frame);
    }

    @Override
    public void onError(Throwable t) {
      closed.complete(t);
    }

    @Override
    public void onCompleted() {
      closed.complete(null);
    }

    Frame next() throws InterruptedException {
      Frame f = frames.poll(5, TimeUnit.SECONDS);
      if (f == null) {
        throw new AssertionError("no frame within 5 s (closed: " + closed.getNow(null) + ")");
      }
      return f;
    }
  }
}

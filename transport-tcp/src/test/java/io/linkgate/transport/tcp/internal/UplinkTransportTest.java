package io.linkgate.transport.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Ping;
import io.linkgate.api.proto.PushAck;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Send;
import io.linkgate.api.transport.Limits;
import io.linkgate.api.transport.TransportSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UplinkTransportTest {
  private final TestCore core = new TestCore();
  private TcpUplinkTransport server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private int start(Limits limits, Map<String, String> extraOptions) throws Exception {
    Map<String, String> options = new HashMap<>(Servers.OPTIONS);
    options.putAll(extraOptions);
    TransportSettings settings = Servers.settings(Role.UPLINK, limits).withOptions(options);
    server = Servers.started(new TcpUplinkTransport(settings, core));
    return Servers.port(server);
  }

  private int start() throws Exception {
    return start(Servers.limits(), Map.of());
  }

  private static Frame send(String id) {
    return Frame.newBuilder()
        .setSend(Send.newBuilder().setClientMsgId(id).setTo("user:bob"))
        .build();
  }

  private static RawClient handshake(int port) throws Exception {
    RawClient client = RawClient.connect(port);
    client.send(RawClient.helloFrame(Role.UPLINK, 0));
    assertThat(client.read().getWelcome().getSessionId()).startsWith("up-");
    return client;
  }

  @Test
  void helloGetsTheSessionsWelcomeThenEachSendItsAck() throws Exception {
    int port = start();
    try (RawClient client = handshake(port)) {
      client.send(send("a"));
      assertThat(client.read().getSendAck().getClientMsgId()).isEqualTo("a");
      client.send(send("b"));
      assertThat(client.read().getSendAck().getClientMsgId()).isEqualTo("b");
    }
    assertThat(core.infos.poll().heartbeatMs()).isZero();
  }

  @Test
  void pipelinedAnswersComeInArrivalOrderWhateverOrderTheyCompleteIn() throws Exception {
    List<CompletableFuture<Frame>> stages = new CopyOnWriteArrayList<>();
    List<Frame> frames = new CopyOnWriteArrayList<>();
    core.uplinkAnswers =
        frame -> {
          CompletableFuture<Frame> stage = new CompletableFuture<>();
          frames.add(frame);
          stages.add(stage);
          return stage;
        };
    int port = start();
    try (RawClient client = handshake(port)) {
      List<Frame> requests = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        requests.add(send("m" + i));
      }
      requests.add(Frame.newBuilder().setPushAck(PushAck.newBuilder().setUpToSeq(3)).build());
      requests.add(Frame.newBuilder().setPing(Ping.newBuilder().setNonce(9)).build());
      client.sendRaw(FrameCodec.encodeAll(requests));
      await().until(() -> stages.size() == requests.size());
      // Complete backwards: the last frame's answer is ready first.
      for (int i = requests.size() - 1; i >= 0; i--) {
        stages.get(i).complete(TestCore.answer(frames.get(i)).toCompletableFuture().join());
      }
      for (int i = 0; i < 10; i++) {
        assertThat(client.read().getSendAck().getClientMsgId()).isEqualTo("m" + i);
      }
      assertThat(client.readByte()).isZero(); // the empty frame: a zero length and nothing else
      assertThat(client.read().getPong().getNonce()).isEqualTo(9);
    }
  }

  @Test
  void framesThatArriveInOneReadReachTheCoreTogetherAndAreAnsweredInOrder() throws Exception {
    int port = start();
    try (RawClient client = handshake(port)) {
      List<Frame> requests = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        requests.add(send("m" + i));
      }
      requests.add(Frame.newBuilder().setPing(Ping.newBuilder().setNonce(5)).build());
      client.sendRaw(FrameCodec.encodeAll(requests)); // one small write: one read on loopback
      for (int i = 0; i < 6; i++) {
        assertThat(client.read().getSendAck().getClientMsgId()).isEqualTo("m" + i);
      }
      assertThat(client.read().getPong().getNonce()).isEqualTo(5);
      client.send(send("alone"));
      assertThat(client.read().getSendAck().getClientMsgId()).isEqualTo("alone");
    }
    // The seven came as one group; the lone send went by itself (handle, not handleAll).
    assertThat(core.uplinkBatches).containsExactly(7);
    assertThat(core.uplinkFramesHandled).hasValue(8);
  }

  @Test
  void aFailedStageIsAnsweredWithItsErrorInItsPlace() throws Exception {
    core.uplinkAnswers =
        frame ->
            frame.getSend().getClientMsgId().equals("bad")
                ? CompletableFuture.failedFuture(
                    new io.linkgate.api.GatewayException(
                        ErrorCode.RATE_LIMITED, "slow down", "bad"))
                : TestCore.answer(frame);
    int port = start();
    try (RawClient client = handshake(port)) {
      client.sendRaw(FrameCodec.encodeAll(List.of(send("a"), send("bad"), send("c"))));
      assertThat(client.read().getSendAck().getClientMsgId()).isEqualTo("a");
      Frame error = client.read();
      assertThat(error.getError().getCode()).isEqualTo(ErrorCode.RATE_LIMITED);
      assertThat(error.getError().getClientMsgId()).isEqualTo("bad");
      assertThat(client.read().getSendAck().getClientMsgId()).isEqualTo("c");
    }
  }

  @Test
  void inFlightFramesAreBoundedAndReadingResumesAsAnswersDrain() throws Exception {
    List<CompletableFuture<Frame>> stages = new CopyOnWriteArrayList<>();
    core.uplinkAnswers =
        frame -> {
          CompletableFuture<Frame> stage = new CompletableFuture<>();
          stages.add(stage);
          return stage.thenApply(v -> TestCore.answer(frame).toCompletableFuture().join());
        };
    int port = start(Servers.limits(), Map.of("maxInFlight", "4"));
    try (RawClient client = handshake(port)) {
      List<Frame> requests = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        requests.add(send("m" + i));
      }
      client.sendRaw(FrameCodec.encodeAll(requests));
      await().until(() -> stages.size() == 4);
      await().during(Duration.ofMillis(200)).until(() -> stages.size() == 4);
      for (int i = 0; i < 50; i++) {
        int index = i;
        await()
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(2))
            .until(() -> stages.size() > index);
        stages.get(i).complete(null);
        assertThat(client.read().getSendAck().getClientMsgId()).isEqualTo("m" + i);
        assertThat(stages.size() - (i + 1)).isLessThanOrEqualTo(4);
      }
    }
  }

  @Test
  void badFrameIsAnsweredAfterTheAnswersOwedThenTheConnectionCloses() throws Exception {
    CompletableFuture<Frame> slow = new CompletableFuture<>();
    core.uplinkAnswers = frame -> slow;
    int port = start();
    try (RawClient client = handshake(port)) {
      client.send(send("a"));
      await().until(() -> core.uplinkFramesHandled.get() == 1);
      client.sendRaw(new byte[] {3, (byte) 0xff, (byte) 0xff, (byte) 0xff});
      slow.complete(TestCore.answer(send("a")).toCompletableFuture().join());
      List<Frame> frames = client.readToEnd();
      assertThat(frames).hasSize(2);
      assertThat(frames.get(0).getSendAck().getClientMsgId()).isEqualTo("a");
      assertThat(frames.get(1).getError().getCode()).isEqualTo(ErrorCode.BAD_FRAME);
    }
    await().until(() -> core.uplinkSessions.get(0).closed.get() == 1);
  }

  @Test
  void oversizedFrameIsFrameTooLargeThenClose() throws Exception {
    int port = start();
    try (RawClient client = handshake(port)) {
      client.sendRaw(new byte[] {(byte) 0xff, (byte) 0xff, 0x7f});
      assertThat(client.readToEnd())
          .extracting(f -> f.getError().getCode())
          .containsExactly(ErrorCode.FRAME_TOO_LARGE);
    }
  }

  @Test
  void idleUplinkIsClosedWithoutAnError() throws Exception {
    Limits d = Servers.limits();
    int port =
        start(
            new Limits(
                d.maxFrameBytes(),
                d.outboundQueueBytes(),
                d.handshakeTimeout(),
                d.minHeartbeatMs(),
                d.maxHeartbeatMs(),
                d.defaultHeartbeatMs(),
                d.heartbeatMissFactor(),
                Duration.ofMillis(300)),
            Map.of());
    try (RawClient client = handshake(port)) {
      client.send(send("a"));
      assertThat(client.read().hasSendAck()).isTrue();
      assertThat(client.readToEnd()).isEmpty();
    }
    await().until(() -> core.uplinkSessions.get(0).closed.get() == 1);
  }

  @Test
  void uplinkBusyAnsweringIsNotIdle() throws Exception {
    CompletableFuture<Frame> slow = new CompletableFuture<>();
    core.uplinkAnswers = frame -> slow;
    Limits d = Servers.limits();
    int port =
        start(
            new Limits(
                d.maxFrameBytes(),
                d.outboundQueueBytes(),
                d.handshakeTimeout(),
                d.minHeartbeatMs(),
                d.maxHeartbeatMs(),
                d.defaultHeartbeatMs(),
                d.heartbeatMissFactor(),
                Duration.ofMillis(100)),
            Map.of());
    try (RawClient client = handshake(port)) {
      client.send(send("a"));
      await().during(Duration.ofMillis(400)).until(() -> server.connectionCount() == 1);
      slow.complete(TestCore.answer(send("a")).toCompletableFuture().join());
      assertThat(client.read().getSendAck().getClientMsgId()).isEqualTo("a");
      assertThat(client.readToEnd()).isEmpty(); // then idle, then closed
    }
  }

  @Test
  void helloForTheWrongRoleIsInvalidArgument() throws Exception {
    int port = start();
    try (RawClient client = RawClient.connect(port)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      assertThat(client.readToEnd())
          .extracting(f -> f.getError().getCode())
          .containsExactly(ErrorCode.INVALID_ARGUMENT);
    }
  }

  @Test
  void refusedOpenSendsTheCoresError() throws Exception {
    int port = start();
    try (RawClient client = RawClient.connect(port)) {
      client.send(
          Frame.newBuilder()
              .setHello(RawClient.hello(Role.UPLINK, 0).toBuilder().setToken("bad"))
              .build());
      assertThat(client.readToEnd())
          .containsExactly(Frames.error(ErrorCode.UNAUTHENTICATED, "bad token"));
    }
  }

  @Test
  void framesPipelinedBehindHelloAreAnsweredAfterWelcome() throws Exception {
    int port = start();
    try (RawClient client = RawClient.connect(port)) {
      client.sendRaw(
          FrameCodec.encodeAll(
              List.of(RawClient.helloFrame(Role.UPLINK, 0), send("x"), send("y"))));
      assertThat(client.read().hasWelcome()).isTrue();
      assertThat(client.read().getSendAck().getClientMsgId()).isEqualTo("x");
      assertThat(client.read().getSendAck().getClientMsgId()).isEqualTo("y");
    }
  }
}

package io.linkgate.transport.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import io.linkgate.api.proto.Send;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientTransportTest {
  private final TestCore core = new TestCore();
  private final List<TcpServerTransport> servers = new ArrayList<>();
  private final TcpClientTransport client =
      new TcpClientTransport(
          new ClientTransportOptions(
              64 * 1024, Duration.ofSeconds(5), Optional.empty(), false, Map.of()));

  @AfterEach
  void stop() throws Exception {
    client.close();
    for (TcpServerTransport s : servers) {
      s.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private Endpoint downlinkServer() throws Exception {
    TcpDownlinkTransport s = Servers.downlink(core, Servers.limits());
    servers.add(s);
    return s.endpoints().get(0);
  }

  private Endpoint uplinkServer() throws Exception {
    TcpUplinkTransport s = Servers.uplink(core, Servers.limits());
    servers.add(s);
    return s.endpoints().get(0);
  }

  private static Hello hello(String token) {
    return Hello.newBuilder().setToken(token).setDeviceId("phone").setHeartbeatMs(10_000).build();
  }

  private static <T> T await5(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the stage succeeded");
  }

  /** Records what a downlink listener is told. */
  static final class Recorder implements ClientDownlink.Listener {
    final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    final List<Optional<Throwable>> closes = new CopyOnWriteArrayList<>();

    @Override
    public void onFrame(Frame frame) {
      frames.add(frame);
    }

    @Override
    public void onClosed(Throwable cause) {
      closes.add(Optional.ofNullable(cause));
    }
  }

  @Test
  void downlinkOpensOnWelcomeAndDeliversPushesInOrder() throws Exception {
    Recorder recorder = new Recorder();
    ClientDownlink downlink =
        await5(client.openDownlink(downlinkServer(), hello("good"), recorder));
    assertThat(downlink.welcome().getHeartbeatMs()).isEqualTo(10_000);
    assertThat(downlink.isOpen()).isTrue();
    assertThat(core.infos.poll().role()).isEqualTo(Role.DOWNLINK); // role set by the transport

    for (long seq = 1; seq <= 50; seq++) {
      core.downlinks
          .get(0)
          .send(EncodedFrame.of(Frame.newBuilder().setPush(Push.newBuilder().setSeq(seq)).build()));
    }
    for (long seq = 1; seq <= 50; seq++) {
      assertThat(recorder.frames.poll(5, TimeUnit.SECONDS).getPush().getSeq()).isEqualTo(seq);
    }
    downlink.send(Frames.ping(3));
    assertThat(recorder.frames.poll(5, TimeUnit.SECONDS).getPong().getNonce()).isEqualTo(3);
  }

  @Test
  void downlinkClosedByUsReportsNoCauseExactlyOnce() throws Exception {
    Recorder recorder = new Recorder();
    ClientDownlink downlink =
        await5(client.openDownlink(downlinkServer(), hello("good"), recorder));
    downlink.close();
    downlink.close();
    await().until(() -> recorder.closes.size() == 1);
    assertThat(recorder.closes.get(0)).isEmpty();
    assertThat(downlink.isOpen()).isFalse();
    await().until(() -> core.downlinkSessions.get(0).closed.get() == 1);
  }

  @Test
  void downlinkClosedByTheServerReportsTheLastFrameThenACause() throws Exception {
    Recorder recorder = new Recorder();
    await5(client.openDownlink(downlinkServer(), hello("good"), recorder));
    core.downlinks.get(0).close(Frames.error(ErrorCode.UNAVAILABLE, "bye"));
    assertThat(recorder.frames.poll(5, TimeUnit.SECONDS).getError().getCode())
        .isEqualTo(ErrorCode.UNAVAILABLE);
    await().until(() -> recorder.closes.size() == 1);
    assertThat(recorder.closes.get(0)).containsInstanceOf(IOException.class);
  }

  @Test
  void serverErrorFailsTheOpenWithItsCode() throws Exception {
    Recorder recorder = new Recorder();
    Throwable failure = failureOf(client.openDownlink(downlinkServer(), hello("bad"), recorder));
    assertThat(failure).isInstanceOf(GatewayException.class);
    assertThat(((GatewayException) failure).code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThat(failure).hasMessage("bad token");
    assertThat(recorder.closes).isEmpty();

    Throwable uplinkFailure = failureOf(client.openUplink(uplinkServer(), hello("bad")));
    assertThat(((GatewayException) uplinkFailure).code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
  }

  @Test
  void refusedConnectionIsAnIoException() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Endpoint nobody = Endpoint.newBuilder().setHost("127.0.0.1").setPort(port).build();
    assertThat(failureOf(client.openUplink(nobody, hello("good")))).isInstanceOf(IOException.class);
  }

  @Test
  void serverThatNeverAnswersTimesOutAsAnIoException() throws Exception {
    TcpClientTransport impatient =
        new TcpClientTransport(
            new ClientTransportOptions(
                64 * 1024, Duration.ofMillis(300), Optional.empty(), false, Map.of()));
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Endpoint e =
          Endpoint.newBuilder().setHost("127.0.0.1").setPort(silent.getLocalPort()).build();
      CompletionStage<ClientDownlink> open =
          impatient.openDownlink(e, hello("good"), new Recorder());
      try (Socket accepted = silent.accept()) {
        Throwable failure = failureOf(open);
        assertThat(failure).isInstanceOf(IOException.class).hasMessageContaining("300 ms");
      }
    } finally {
      impatient.close();
    }
  }

  @Test
  void uplinkCallsArePipelinedAndMatchedToAnswersInOrder() throws Exception {
    List<CompletableFuture<Frame>> stages = new CopyOnWriteArrayList<>();
    List<Frame> frames = new CopyOnWriteArrayList<>();
    core.uplinkAnswers =
        frame -> {
          CompletableFuture<Frame> stage = new CompletableFuture<>();
          frames.add(frame);
          stages.add(stage);
          return stage;
        };
    ClientUplink uplink = await5(client.openUplink(uplinkServer(), hello("good")));
    assertThat(uplink.welcome().getSessionId()).startsWith("up-");
    List<CompletionStage<Frame>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(
          uplink.call(
              Frame.newBuilder()
                  .setSend(Send.newBuilder().setClientMsgId("c" + i).setTo("user:bob"))
                  .build()));
    }
    calls.add(uplink.call(Frames.ping(77)));
    await().until(() -> stages.size() == 21);
    for (int i = 20; i >= 0; i--) {
      stages.get(i).complete(TestCore.answer(frames.get(i)).toCompletableFuture().join());
    }
    for (int i = 0; i < 20; i++) {
      assertThat(await5(calls.get(i)).getSendAck().getClientMsgId()).isEqualTo("c" + i);
    }
    assertThat(await5(calls.get(20)).getPong().getNonce()).isEqualTo(77);
  }

  @Test
  void uplinkCallsFromManyThreadsEachGetTheirOwnAnswer() throws Exception {
    ClientUplink uplink = await5(client.openUplink(uplinkServer(), hello("good")));
    AtomicInteger mismatches = new AtomicInteger();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      all.add(
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < 200; i++) {
                  String id = thread + "-" + i;
                  Frame answer =
                      uplink
                          .call(
                              Frame.newBuilder()
                                  .setSend(Send.newBuilder().setClientMsgId(id).setTo("user:bob"))
                                  .build())
                          .toCompletableFuture()
                          .join();
                  if (!answer.getSendAck().getClientMsgId().equals(id)) {
                    mismatches.incrementAndGet();
                  }
                }
              }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    assertThat(mismatches.get()).isZero();
  }

  @Test
  void emptyAnswerArrivesAsTheEmptyFrame() throws Exception {
    ClientUplink uplink = await5(client.openUplink(uplinkServer(), hello("good")));
    Frame ack =
        await5(
            uplink.call(
                Frame.newBuilder()
                    .setPushAck(io.linkgate.api.proto.PushAck.newBuilder().setUpToSeq(1))
                    .build()));
    assertThat(ack).isEqualTo(Frame.getDefaultInstance());
  }

  @Test
  void connectionLossFailsPendingCallsWithIoException() throws Exception {
    core.uplinkAnswers = frame -> new CompletableFuture<>(); // never answered
    Endpoint endpoint = uplinkServer();
    ClientUplink uplink = await5(client.openUplink(endpoint, hello("good")));
    CompletionStage<Frame> pending = uplink.call(Frames.ping(1));
    await().until(() -> core.uplinkFramesHandled.get() == 1);
    servers.get(0).shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(failureOf(pending)).isInstanceOf(IOException.class);
    assertThat(uplink.isOpen()).isFalse();
    assertThat(failureOf(uplink.call(Frames.ping(2)))).isInstanceOf(IOException.class);
  }

  @Test
  void closingTheUplinkFailsPendingCalls() throws Exception {
    core.uplinkAnswers = frame -> new CompletableFuture<>();
    ClientUplink uplink = await5(client.openUplink(uplinkServer(), hello("good")));
    CompletionStage<Frame> pending = uplink.call(Frames.ping(1));
    await().until(() -> core.uplinkFramesHandled.get() == 1);
    uplink.close();
    assertThat(failureOf(pending)).isInstanceOf(IOException.class);
  }

  @Test
  void frameOverTheClientsLimitClosesTheDownlinkWithACause() throws Exception {
    TcpClientTransport strict =
        new TcpClientTransport(
            new ClientTransportOptions(
                100, Duration.ofSeconds(5), Optional.empty(), false, Map.of()));
    try {
      Recorder recorder = new Recorder();
      await5(strict.openDownlink(downlinkServer(), hello("good"), recorder));
      core.downlinks
          .get(0)
          .send(
              EncodedFrame.of(
                  Frame.newBuilder()
                      .setPush(Push.newBuilder().setPayload(ByteString.copyFrom(new byte[500])))
                      .build()));
      await().until(() -> recorder.closes.size() == 1);
      assertThat(recorder.closes.get(0).get())
          .isInstanceOf(IOException.class)
          .hasMessageContaining("exceeds the limit of 100");
      assertThat(recorder.frames).isEmpty();
    } finally {
      strict.close();
    }
  }

  @Test
  void closingTheTransportClosesItsConnectionsAndRefusesNewOnes() throws Exception {
    Recorder recorder = new Recorder();
    Endpoint endpoint = downlinkServer();
    await5(client.openDownlink(endpoint, hello("good"), recorder));
    client.close();
    await().until(() -> recorder.closes.size() == 1);
    assertThat(recorder.closes.get(0)).isEmpty();
    assertThatThrownBy(() -> await5(client.openDownlink(endpoint, hello("good"), new Recorder())))
        .hasCauseInstanceOf(IOException.class);
  }
}

package io.linkgate.transport.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.linkgate.api.EncodedFrame;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.GoAway;
import io.linkgate.api.proto.Ping;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.PushAck;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Subscribe;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.Limits;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DownlinkTransportTest {
  private final TestCore core = new TestCore();
  private TcpDownlinkTransport server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private int start(Limits limits) throws Exception {
    server = Servers.downlink(core, limits);
    return Servers.port(server);
  }

  private static Frame push(long seq, int payloadBytes) {
    return Frame.newBuilder()
        .setPush(
            Push.newBuilder().setSeq(seq).setPayload(ByteString.copyFrom(new byte[payloadBytes])))
        .build();
  }

  private static Limits withHeartbeats(int minMs, double missFactor) {
    Limits d = Servers.limits();
    return new Limits(
        d.maxFrameBytes(),
        d.outboundQueueBytes(),
        d.handshakeTimeout(),
        minMs,
        d.maxHeartbeatMs(),
        d.defaultHeartbeatMs(),
        missFactor,
        d.uplinkIdleTimeout());
  }

  @Test
  void handshakeGrantsAClampedHeartbeatAndPushesFollowInOrder() throws Exception {
    int port = start(Servers.limits());
    try (RawClient client = RawClient.connect(port)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 1_000_000));
      Frame welcome = client.read();
      assertThat(welcome.getWelcome().getHeartbeatMs()).isEqualTo(300_000);
      ConnectionInfo info = core.infos.poll(5, TimeUnit.SECONDS);
      assertThat(info.transport()).isEqualTo("tcp");
      assertThat(info.role()).isEqualTo(Role.DOWNLINK);
      assertThat(info.tls()).isFalse();
      assertThat(info.remoteAddress()).startsWith("127.0.0.1:");

      DownlinkChannel channel = core.downlinks.get(0);
      for (long seq = 1; seq <= 200; seq++) {
        assertThat(channel.send(EncodedFrame.of(push(seq, 100)))).isTrue();
      }
      for (long seq = 1; seq <= 200; seq++) {
        assertThat(client.read().getPush().getSeq()).isEqualTo(seq);
      }
    }
  }

  @Test
  void pushesFromManyThreadsAllArrive() throws Exception {
    int port = start(Servers.limits());
    try (RawClient client = RawClient.connect(port)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      client.read();
      DownlinkChannel channel = core.downlinks.get(0);
      int threads = 4;
      int each = 500;
      List<CompletableFuture<Void>> senders =
          java.util.stream.IntStream.range(0, threads)
              .mapToObj(
                  t ->
                      CompletableFuture.runAsync(
                          () -> {
                            for (int i = 0; i < each; i++) {
                              channel.send(EncodedFrame.of(push(t * 1_000_000L + i, 10)));
                            }
                          }))
              .toList();
      CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      long[] next = new long[threads];
      for (int i = 0; i < threads * each; i++) {
        long seq = client.read().getPush().getSeq();
        int t = (int) (seq / 1_000_000L);
        assertThat(seq % 1_000_000L).isEqualTo(next[t]); // each thread's pushes in its order
        next[t]++;
      }
    }
  }

  @Test
  void pingIsAnsweredWithPongByTheTransport() throws Exception {
    int port = start(Servers.limits());
    try (RawClient client = RawClient.connect(port)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      client.read();
      client.send(Frame.newBuilder().setPing(Ping.newBuilder().setNonce(42)).build());
      assertThat(client.read().getPong().getNonce()).isEqualTo(42);
      assertThat(core.downlinkFrames).isEmpty();
    }
  }

  @Test
  void otherFramesGoToTheSessionAndOnlyRealAnswersAreSent() throws Exception {
    int port = start(Servers.limits());
    try (RawClient client = RawClient.connect(port)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      client.read();
      client.send(Frame.newBuilder().setPushAck(PushAck.newBuilder().setUpToSeq(5)).build());
      client.send(
          Frame.newBuilder().setSubscribe(Subscribe.newBuilder().setRoom("secret")).build());
      assertThat(client.read().getError().getCode()).isEqualTo(ErrorCode.FORBIDDEN);
      assertThat(core.downlinkFrames.poll(5, TimeUnit.SECONDS).getPushAck().getUpToSeq())
          .isEqualTo(5);
      assertThat(core.downlinkFrames.poll(5, TimeUnit.SECONDS).hasSubscribe()).isTrue();
    }
  }

  @Test
  void readingPausesWhileTooManyFramesWaitOnTheSession() throws Exception {
    List<CompletableFuture<Frame>> pending = new java.util.concurrent.CopyOnWriteArrayList<>();
    core.downlinkAnswers =
        frame -> {
          CompletableFuture<Frame> stage = new CompletableFuture<>();
          pending.add(stage);
          return stage;
        };
    server =
        Servers.started(
            new TcpDownlinkTransport(
                Servers.settings(Role.DOWNLINK, Servers.limits())
                    .withOptions(java.util.Map.of("threads", "1", "maxInFlight", "3")),
                core));
    Frame ack = Frame.newBuilder().setPushAck(PushAck.newBuilder().setUpToSeq(1)).build();
    try (RawClient client = RawClient.connect(Servers.port(server))) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      client.read();
      client.sendRaw(FrameCodec.encodeAll(List.of(ack, ack, ack)));
      await().until(() -> pending.size() == 3);
      client.sendRaw(FrameCodec.encodeAll(List.of(ack, ack)));
      await().during(Duration.ofMillis(200)).until(() -> pending.size() == 3);
      pending.forEach(f -> f.complete(Frame.getDefaultInstance()));
      await().until(() -> pending.size() == 5);
      pending.forEach(f -> f.complete(Frame.getDefaultInstance()));
      client.send(Frame.newBuilder().setPing(Ping.newBuilder().setNonce(1)).build());
      assertThat(client.read().getPong().getNonce()).isEqualTo(1);
    }
  }

  @Test
  void framesPipelinedAfterHelloReachTheSessionAfterItOpens() throws Exception {
    int port = start(Servers.limits());
    core.openGate = new CompletableFuture<>();
    try (RawClient client = RawClient.connect(port)) {
      Frame ack = Frame.newBuilder().setPushAck(PushAck.newBuilder().setUpToSeq(3)).build();
      client.sendRaw(
          FrameCodec.encodeAll(
              List.of(
                  RawClient.helloFrame(Role.DOWNLINK, 0),
                  ack,
                  Frame.newBuilder().setPing(Ping.newBuilder().setNonce(7)).build())));
      await().until(() -> !core.infos.isEmpty());
      core.openGate.complete(null);
      assertThat(client.read().hasWelcome()).isTrue();
      assertThat(client.read().getPong().getNonce()).isEqualTo(7);
      assertThat(core.downlinkFrames.poll(5, TimeUnit.SECONDS)).isEqualTo(ack);
    }
  }

  @Test
  void noHelloInTimeIsATimeoutErrorThenClose() throws Exception {
    Limits d = Servers.limits();
    int port =
        start(
            new Limits(
                d.maxFrameBytes(),
                d.outboundQueueBytes(),
                Duration.ofMillis(200),
                d.minHeartbeatMs(),
                d.maxHeartbeatMs(),
                d.defaultHeartbeatMs(),
                d.heartbeatMissFactor(),
                d.uplinkIdleTimeout()));
    try (RawClient client = RawClient.connect(port)) {
      List<Frame> frames = client.readToEnd();
      assertThat(frames).hasSize(1);
      assertThat(frames.get(0).getError().getCode()).isEqualTo(ErrorCode.TIMEOUT);
    }
  }

  @Test
  void silentConnectionIsClosedAfterTheHeartbeatTimeoutAndTheSessionClosesOnce() throws Exception {
    int port = start(withHeartbeats(100, 2.0));
    try (RawClient client = RawClient.connect(port)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 100));
      assertThat(client.read().getWelcome().getHeartbeatMs()).isEqualTo(100);
      List<Frame> frames = client.readToEnd();
      assertThat(frames).hasSize(1);
      assertThat(frames.get(0).getError().getCode()).isEqualTo(ErrorCode.TIMEOUT);
      await().until(() -> core.downlinkSessions.get(0).closed.get() == 1);
      assertThat(core.downlinks.get(0).isOpen()).isFalse();
    }
  }

  @Test
  void pingsKeepAConnectionAlive() throws Exception {
    int port = start(withHeartbeats(100, 2.0));
    try (RawClient client = RawClient.connect(port)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 100));
      client.read();
      // Ping back to back for three timeouts' worth of time: each one answered, none too late.
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
      for (int i = 0; System.nanoTime() < end && i < 100_000; i++) {
        client.send(Frame.newBuilder().setPing(Ping.newBuilder().setNonce(i + 1)).build());
        assertThat(client.read().getPong().getNonce()).isEqualTo(i + 1);
      }
      assertThat(core.downlinks.get(0).isOpen()).isTrue();
    }
  }

  @Test
  void oversizedFrameIsFrameTooLargeThenClose() throws Exception {
    int port = start(Servers.limits());
    try (RawClient client = RawClient.connect(port)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      client.read();
      client.sendRaw(new byte[] {(byte) 0x81, (byte) 0x80, 0x04}); // 65537 bytes announced
      List<Frame> frames = client.readToEnd();
      assertThat(frames).hasSize(1);
      assertThat(frames.get(0).getError().getCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
      await().until(() -> core.downlinkSessions.get(0).closed.get() == 1);
    }
  }

  @Test
  void oversizedFrameWithItsBodyStillGetsTheErrorThrough() throws Exception {
    int port = start(Servers.limits());
    try (RawClient client = RawClient.connect(port)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      client.read();
      client.sendRaw(FrameCodec.encode(push(1, 200_000)));
      List<Frame> frames = client.readToEnd();
      assertThat(frames)
          .extracting(f -> f.getError().getCode())
          .containsExactly(ErrorCode.FRAME_TOO_LARGE);
    }
  }

  @Test
  void garbageIsBadFrameThenClose() throws Exception {
    int port = start(Servers.limits());
    try (RawClient client = RawClient.connect(port)) {
      client.sendRaw(new byte[] {4, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
      List<Frame> frames = client.readToEnd();
      assertThat(frames).hasSize(1);
      assertThat(frames.get(0).getError().getCode()).isEqualTo(ErrorCode.BAD_FRAME);
    }
  }

  @Test
  void firstFrameOtherThanHelloIsRefused() throws Exception {
    int port = start(Servers.limits());
    try (RawClient client = RawClient.connect(port)) {
      client.send(Frame.newBuilder().setPing(Ping.newBuilder()).build());
      assertThat(client.readToEnd())
          .extracting(f -> f.getError().getCode())
          .containsExactly(ErrorCode.INVALID_ARGUMENT);
    }
  }

  @Test
  void helloForTheWrongRoleIsInvalidArgument() throws Exception {
    int port = start(Servers.limits());
    try (RawClient client = RawClient.connect(port)) {
      client.send(RawClient.helloFrame(Role.UPLINK, 0));
      List<Frame> frames = client.readToEnd();
      assertThat(frames).hasSize(1);
      assertThat(frames.get(0).getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(frames.get(0).getError().getMessage()).contains("DOWNLINK").contains("UPLINK");
    }
    assertThat(core.infos).isEmpty();
  }

  @Test
  void refusedOpenSendsTheCoresErrorThenCloses() throws Exception {
    int port = start(Servers.limits());
    try (RawClient client = RawClient.connect(port)) {
      client.send(
          Frame.newBuilder()
              .setHello(RawClient.hello(Role.DOWNLINK, 0).toBuilder().setToken("bad"))
              .build());
      List<Frame> frames = client.readToEnd();
      assertThat(frames).hasSize(1);
      assertThat(frames.get(0).getError().getCode()).isEqualTo(ErrorCode.UNAUTHENTICATED);
      assertThat(frames.get(0).getError().getMessage()).isEqualTo("bad token");
    }
  }

  @Test
  void connectionLostWhileOpeningClosesTheSessionOnceItOpens() throws Exception {
    int port = start(Servers.limits());
    core.openGate = new CompletableFuture<>();
    try (RawClient client = RawClient.connect(port)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      await().until(() -> !core.infos.isEmpty());
    }
    await().until(() -> server.connectionCount() == 0);
    core.openGate.complete(null);
    await().until(() -> core.downlinkSessions.size() == 1);
    await().until(() -> core.downlinkSessions.get(0).closed.get() == 1);
    assertThat(core.downlinks.get(0).isOpen()).isFalse();
  }

  @Test
  void clientDisconnectClosesTheSessionExactlyOnce() throws Exception {
    int port = start(Servers.limits());
    try (RawClient client = RawClient.connect(port)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      client.read();
    }
    await().until(() -> core.downlinkSessions.get(0).closed.get() == 1);
    DownlinkChannel channel = core.downlinks.get(0);
    assertThat(channel.isOpen()).isFalse();
    assertThat(channel.send(EncodedFrame.of(push(1, 1)))).isFalse();
    channel.close(null);
    assertThat(core.downlinkSessions.get(0).closed.get()).isEqualTo(1);
  }

  @Test
  void closeSendsGoAwayAfterQueuedPushes() throws Exception {
    int port = start(Servers.limits());
    try (RawClient client = RawClient.connect(port)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      client.read();
      DownlinkChannel channel = core.downlinks.get(0);
      channel.send(EncodedFrame.of(push(1, 10)));
      channel.send(EncodedFrame.of(push(2, 10)));
      Frame goAway = Frame.newBuilder().setGoAway(GoAway.newBuilder().setReason("drain")).build();
      channel.close(goAway);
      List<Frame> frames = client.readToEnd();
      assertThat(frames).hasSize(3);
      assertThat(frames.get(2)).isEqualTo(goAway);
      await().until(() -> core.downlinkSessions.get(0).closed.get() == 1);
    }
  }

  /**
   * Pushes paced so that the event loop keeps up (what fills is the socket, then the outbound
   * buffer) until the first refusal; returns the most bytes the server held at any point.
   */
  private static long pushUntilRefused(NettyDownlinkChannel channel, EncodedFrame frame) {
    long maxBuffered = 0;
    int sent = 0;
    // Bounded far above what socket buffers and bound can hold (200 MB).
    while (sent < 50_000 && channel.send(frame)) {
      sent++;
      maxBuffered = Math.max(maxBuffered, channel.bufferedBytes());
      if (sent % 4 == 0) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (channel.queuedBytes() > 0 && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
      }
    }
    assertThat(sent).isLessThan(50_000);
    return maxBuffered;
  }

  private int startWithQueueBound(int bound) throws Exception {
    Limits d = Servers.limits();
    return start(
        new Limits(
            d.maxFrameBytes(),
            bound,
            d.handshakeTimeout(),
            d.minHeartbeatMs(),
            d.maxHeartbeatMs(),
            d.defaultHeartbeatMs(),
            d.heartbeatMissFactor(),
            d.uplinkIdleTimeout()));
  }

  @Test
  void clientThatNeverReadsIsClosedWithServerMemoryBounded() throws Exception {
    int bound = 64 * 1024;
    int port = startWithQueueBound(bound);
    try (RawClient client = RawClient.connect(port, 4096)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      await().until(() -> core.downlinks.size() == 1);
      NettyDownlinkChannel channel = (NettyDownlinkChannel) core.downlinks.get(0);

      long maxBuffered = pushUntilRefused(channel, EncodedFrame.encoded(push(1, 4000)));

      assertThat(maxBuffered).isLessThanOrEqualTo(bound);
      assertThat(channel.isOpen()).isFalse();
      // It never reads, so it cannot hold the connection: closed within the grace period.
      await().until(() -> core.downlinkSessions.get(0).closed.get() == 1);
      assertThat(channel.bufferedBytes()).isZero();
    }
  }

  @Test
  void slowConsumerThatReadsLateFindsTheReasonAfterItsPushes() throws Exception {
    int port = startWithQueueBound(64 * 1024);
    try (RawClient client = RawClient.connect(port)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      await().until(() -> core.downlinks.size() == 1);
      NettyDownlinkChannel channel = (NettyDownlinkChannel) core.downlinks.get(0);

      pushUntilRefused(channel, EncodedFrame.encoded(push(1, 4000)));

      List<Frame> frames = client.readToEnd();
      assertThat(frames.get(0).hasWelcome()).isTrue();
      assertThat(frames.subList(1, frames.size() - 1)).allMatch(Frame::hasPush);
      Frame last = frames.get(frames.size() - 1);
      assertThat(last.getError().getCode()).isEqualTo(ErrorCode.SLOW_CONSUMER);
      assertThat(last.getError().getMessage())
          .isEqualTo("outbound queue over 65536 bytes; reconnect and resume");
      await().until(() -> core.downlinkSessions.get(0).closed.get() == 1);
    }
  }

  @Test
  void shutdownClosesConnectionsAndTheirSessions() throws Exception {
    int port = start(Servers.limits());
    try (RawClient client = RawClient.connect(port)) {
      client.send(RawClient.helloFrame(Role.DOWNLINK, 0));
      client.read();
      server.shutdown().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(client.readToEnd()).isEmpty();
      assertThat(core.downlinkSessions.get(0).closed.get()).isEqualTo(1);
    }
  }
}

package io.linkgate.transport.tcp.internal;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.SendAck;
import io.linkgate.api.proto.Welcome;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportEvents;
import io.linkgate.api.transport.UplinkSession;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A stand-in for the router: just enough core to drive the transport. Token "bad" is refused;
 * downlinks get a Welcome carrying the granted heartbeat; uplinks answer Send with SendAck, Ping
 * with Pong and anything else with the empty frame, unless a test swaps the answers.
 */
final class TestCore implements SessionHandler {
  final BlockingQueue<ConnectionInfo> infos = new LinkedBlockingQueue<>();
  final List<DownlinkChannel> downlinks = new CopyOnWriteArrayList<>();
  final List<Downlink> downlinkSessions = new CopyOnWriteArrayList<>();
  final List<Uplink> uplinkSessions = new CopyOnWriteArrayList<>();
  final BlockingQueue<Frame> downlinkFrames = new LinkedBlockingQueue<>();
  final AtomicInteger uplinkFramesHandled = new AtomicInteger();
  /** The size of each group of frames an uplink was handed at once ({@code handleAll}). */
  final List<Integer> uplinkBatches = new CopyOnWriteArrayList<>();

  /** Opens wait for this; a test may hold them back. */
  volatile CompletableFuture<Void> openGate = CompletableFuture.completedFuture(null);

  volatile Function<Frame, CompletionStage<Frame>> uplinkAnswers = TestCore::answer;

  /** What downlink sessions answer; by default FORBIDDEN for room "secret", else nothing. */
  volatile Function<Frame, CompletionStage<Frame>> downlinkAnswers = TestCore::downlinkAnswer;

  private final AtomicInteger ids = new AtomicInteger();

  /** What the transports report; every transport gets this one. */
  final RecordingEvents events = new RecordingEvents();

  @Override
  public TransportEvents events(String transport) {
    return events;
  }

  @Override
  public CompletionStage<DownlinkSession> openDownlink(
      Hello hello, ConnectionInfo info, DownlinkChannel channel) {
    infos.add(info);
    if ("bad".equals(hello.getToken())) {
      return CompletableFuture.failedFuture(
          new GatewayException(ErrorCode.UNAUTHENTICATED, "bad token"));
    }
    return openGate.thenApply(
        v -> {
          Downlink session = new Downlink("down-" + ids.incrementAndGet());
          channel.send(
              EncodedFrame.of(
                  Frame.newBuilder().setWelcome(welcome(session.id, info.heartbeatMs())).build()));
          downlinks.add(channel);
          downlinkSessions.add(session);
          return session;
        });
  }

  @Override
  public CompletionStage<UplinkSession> openUplink(Hello hello, ConnectionInfo info) {
    infos.add(info);
    if ("bad".equals(hello.getToken())) {
      return CompletableFuture.failedFuture(
          new GatewayException(ErrorCode.UNAUTHENTICATED, "bad token"));
    }
    return openGate.thenApply(
        v -> {
          Uplink session = new Uplink("up-" + ids.incrementAndGet());
          uplinkSessions.add(session);
          return session;
        });
  }

  static Welcome welcome(String sessionId, int heartbeatMs) {
    return Welcome.newBuilder()
        .setSessionId(sessionId)
        .setNodeId("test-node")
        .setUserId("alice")
        .setHeartbeatMs(heartbeatMs)
        .build();
  }

  static CompletionStage<Frame> answer(Frame frame) {
    return CompletableFuture.completedFuture(
        switch (frame.getKindCase()) {
          case SEND ->
              Frame.newBuilder()
                  .setSendAck(
                      SendAck.newBuilder()
                          .setClientMsgId(frame.getSend().getClientMsgId())
                          .setMsgId("m-" + frame.getSend().getClientMsgId()))
                  .build();
          case PING -> Frames.pong(frame.getPing().getNonce());
          default -> Frame.getDefaultInstance();
        });
  }

  static CompletionStage<Frame> downlinkAnswer(Frame frame) {
    if (frame.hasSubscribe() && frame.getSubscribe().getRoom().equals("secret")) {
      return CompletableFuture.completedFuture(Frames.error(ErrorCode.FORBIDDEN, "not your room"));
    }
    return CompletableFuture.completedFuture(Frame.getDefaultInstance());
  }

  final class Downlink implements DownlinkSession {
    final String id;
    final AtomicInteger closed = new AtomicInteger();

    Downlink(String id) {
      this.id = id;
    }

    @Override
    public String sessionId() {
      return id;
    }

    @Override
    public CompletionStage<Frame> onFrame(Frame frame) {
      downlinkFrames.add(frame);
      return downlinkAnswers.apply(frame);
    }

    @Override
    public void onClosed() {
      closed.incrementAndGet();
    }
  }

  final class Uplink implements UplinkSession {
    final String id;
    final AtomicInteger closed = new AtomicInteger();

    Uplink(String id) {
      this.id = id;
    }

    @Override
    public Welcome welcome() {
      return TestCore.welcome(id, 0);
    }

    @Override
    public CompletionStage<Frame> handle(Frame frame) {
      uplinkFramesHandled.incrementAndGet();
      return uplinkAnswers.apply(frame);
    }

    @Override
    public List<CompletionStage<Frame>> handleAll(List<Frame> frames) {
      uplinkBatches.add(frames.size());
      return UplinkSession.super.handleAll(frames);
    }

    @Override
    public void onClosed() {
      closed.incrementAndGet();
    }
  }
}

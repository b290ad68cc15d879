package io.linkgate.transport.grpc.internal;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Welcome;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.api.transport.SessionHandler;
import io.linkgate.api.transport.TransportEvents;
import io.linkgate.api.transport.UplinkSession;
import io.linkgate.tck.RecordingTransportEvents;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A core the tests script, standing in for the router (the transport is what is under test): it
 * welcomes every token but {@link #REFUSED_TOKEN}, records what the transport hands it, and answers
 * uplink frames with {@link #uplinkAnswers}.
 */
final class TestCore implements SessionHandler {
  static final String REFUSED_TOKEN = "refused";

  final BlockingQueue<Hello> hellos = new LinkedBlockingQueue<>();
  final BlockingQueue<ConnectionInfo> infos = new LinkedBlockingQueue<>();
  final BlockingQueue<DownlinkChannel> downlinks = new LinkedBlockingQueue<>();
  final BlockingQueue<Frame> downlinkFrames = new LinkedBlockingQueue<>();
  final BlockingQueue<Frame> uplinkFrames = new LinkedBlockingQueue<>();
  final AtomicInteger downlinksClosed = new AtomicInteger();
  final AtomicInteger uplinksClosed = new AtomicInteger();

  /** How uplink frames are answered; a Pong for a Ping and the empty frame otherwise. */
  volatile Function<Frame, CompletionStage<Frame>> uplinkAnswers =
      f ->
          CompletableFuture.completedFuture(
              f.hasPing() ? Frames.pong(f.getPing().getNonce()) : Frame.getDefaultInstance());

  /** The gRPC context each uplink was opened in: the call's, cancelled at its deadline. */
  final java.util.Queue<io.grpc.Context> uplinkContexts = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** When set, opening an uplink waits for it. */
  volatile CompletableFuture<Void> uplinkAuthentication = CompletableFuture.completedFuture(null);

  /** When set, opening a downlink never completes (an authenticator that hangs). */
  volatile boolean downlinkOpensHang;

  /** What the transports report; every transport gets this one. */
  final RecordingTransportEvents events = new RecordingTransportEvents();

  @Override
  public TransportEvents events(String transport) {
    return events;
  }

  @Override
  public CompletionStage<DownlinkSession> openDownlink(
      Hello hello, ConnectionInfo info, DownlinkChannel channel) {
    hellos.add(hello);
    infos.add(info);
    if (downlinkOpensHang) {
      return new CompletableFuture<>();
    }
    if (hello.getToken().equals(REFUSED_TOKEN)) {
      return CompletableFuture.failedFuture(
          new GatewayException(ErrorCode.UNAUTHENTICATED, "token refused"));
    }
    channel.send(
        EncodedFrame.of(
            Frame.newBuilder()
                .setWelcome(
                    Welcome.newBuilder()
                        .setSessionId("d-" + hellos.size())
                        .setUserId(hello.getToken())
                        .setHeartbeatMs(info.heartbeatMs()))
                .build()));
    downlinks.add(channel);
    return CompletableFuture.completedFuture(
        new DownlinkSession() {
          @Override
          public String sessionId() {
            return "d";
          }

          @Override
          public CompletionStage<Frame> onFrame(Frame frame) {
            downlinkFrames.add(frame);
            return CompletableFuture.completedFuture(Frame.getDefaultInstance());
          }

          @Override
          public void onClosed() {
            downlinksClosed.incrementAndGet();
          }
        });
  }

  @Override
  public CompletionStage<UplinkSession> openUplink(Hello hello, ConnectionInfo info) {
    hellos.add(hello);
    infos.add(info);
    uplinkContexts.add(io.grpc.Context.current());
    return uplinkAuthentication.thenApply(
        ignored -> {
          if (hello.getToken().equals(REFUSED_TOKEN)) {
            throw new GatewayException(ErrorCode.UNAUTHENTICATED, "token refused");
          }
          return new UplinkSession() {
            @Override
            public Welcome welcome() {
              return Welcome.newBuilder()
                  .setSessionId("u-" + hellos.size())
                  .setUserId(hello.getToken())
                  .build();
            }

            @Override
            public CompletionStage<Frame> handle(Frame frame) {
              uplinkFrames.add(frame);
              return uplinkAnswers.apply(frame);
            }

            @Override
            public void onClosed() {
              uplinksClosed.incrementAndGet();
            }
          };
        });
  }
}

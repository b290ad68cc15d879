package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Welcome;
import io.linkgate.api.transport.DownlinkChannel;
import io.linkgate.api.transport.DownlinkSession;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One downlink session open on this server, streamed or long-polled, as the other requests of its
 * device find it: the POSTs that carry the client's frames, the DELETE that ends it, the polls.
 *
 * <p>{@link DownlinkSession#onClosed()} is called exactly once, after the open stage completed and
 * the carrier is gone, on the server's executor (never inside the core's own call to close).
 */
abstract class TunnelDownlink {
  private static final Logger log = LoggerFactory.getLogger(TunnelDownlink.class);

  private final String deviceId;
  private final Executor executor;
  private DownlinkSession session; // guarded by this
  private Welcome welcome; // guarded by this
  private boolean ended; // guarded by this
  private boolean reported; // guarded by this
  private volatile long lastClientFrameNanos = System.nanoTime();

  TunnelDownlink(String deviceId, Executor executor) {
    this.deviceId = deviceId;
    this.executor = executor;
  }

  /** Where the session's frames go. */
  abstract DownlinkChannel channel();

  /** Bytes queued for the client and not yet taken by its connection; any thread. */
  abstract long bufferedBytes();

  /** The server stops: ends the session; completes when its carrier has let go. */
  abstract CompletableFuture<Void> terminate();

  /** Ends the session: {@code lastFrame} (null for none) after what is queued. */
  void close(Frame lastFrame) {
    channel().close(lastFrame);
  }

  String deviceId() {
    return deviceId;
  }

  synchronized String sessionId() {
    return session == null ? "" : session.sessionId();
  }

  synchronized String userId() {
    return welcome == null ? "" : welcome.getUserId();
  }

  long lastClientFrameNanos() {
    return lastClientFrameNanos;
  }

  /** The client showed it is alive (a poll, a POST of frames). */
  void clientSeen() {
    lastClientFrameNanos = System.nanoTime();
  }

  /**
   * A frame the client sent for this downlink. As on a TCP downlink, a {@code Ping} is answered
   * here and everything else goes to the session; a non-empty answer also goes down the downlink,
   * where a TCP client would read it.
   */
  CompletionStage<Frame> onClientFrame(Frame frame) {
    clientSeen();
    if (frame.hasPing()) {
      Frame pong = Frames.pong(frame.getPing().getNonce());
      channel().send(EncodedFrame.of(pong));
      return CompletableFuture.completedFuture(pong);
    }
    DownlinkSession s;
    synchronized (this) {
      s = session;
    }
    CompletionStage<Frame> answer;
    try {
      answer = s.onFrame(frame);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer
        .handle(
            (reply, failure) -> failure != null ? GatewayException.from(failure).toFrame() : reply)
        .thenApply(
            reply -> {
              if (reply != null && !Frames.isUnknownKind(reply)) {
                channel().send(EncodedFrame.of(reply));
              }
              return reply == null ? Frame.getDefaultInstance() : reply;
            });
  }

  /** The core opened the session; {@code first} is the Welcome it sent down the channel. */
  void opened(DownlinkSession s, Welcome first) {
    synchronized (this) {
      session = s;
      welcome = first;
    }
    clientSeen(); // the heartbeat window starts with the session, as on TCP
    reportIfDone();
  }

  /** The carrier is gone: the response ended, or the poll session closed. */
  void ended() {
    synchronized (this) {
      ended = true;
    }
    reportIfDone();
  }

  private void reportIfDone() {
    DownlinkSession s;
    synchronized (this) {
      if (reported || !ended || session == null) {
        return;
      }
      reported = true;
      s = session;
    }
    Runnable report =
        () -> {
          try {
            s.onClosed();
          } catch (RuntimeException e) {
            log.warn("session {} failed in onClosed: {}", s.sessionId(), e.toString());
          }
        };
    try {
      executor.execute(report);
    } catch (RejectedExecutionException e) {
      report.run(); // the server is stopping: report on this thread rather than not at all
    }
  }
}

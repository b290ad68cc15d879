package io.linkgate.router.internal;

import io.linkgate.api.Frames;
import io.linkgate.api.auth.Identity;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Welcome;
import io.linkgate.api.proto.Send;
import io.linkgate.api.transport.FrameAnswers;
import io.linkgate.api.transport.UplinkSession;
import io.linkgate.router.Router;
import io.linkgate.router.SendContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated uplink. Every frame gets exactly one answer and the stage never fails: errors
 * are answered as {@code Error} frames. It is also the {@link SendContext} its sends run with.
 */
final class Uplink implements UplinkSession, SendContext {
  private static final Logger log = LoggerFactory.getLogger(Uplink.class);
  private static final Frame NO_DOWNLINK_FRAME =
      Frames.error(ErrorCode.UNAVAILABLE, "no downlink for this device");

  private final Engine engine;
  private final Identity identity;
  private final String deviceId;
  private final int heartbeatMs;
  /**
   * Made when first asked for: a tunnel POST or a gRPC call carrying frames opens an uplink for
   * those frames alone and never shows its Welcome, so its session id would be made for nothing.
   */
  private volatile Welcome welcome;

  Uplink(Engine engine, Identity identity, String deviceId, int heartbeatMs) {
    this.engine = engine;
    this.identity = identity;
    this.deviceId = deviceId;
    this.heartbeatMs = heartbeatMs;
  }

  @Override
  public Welcome welcome() {
    Welcome w = welcome;
    if (w == null) {
      synchronized (this) {
        w = welcome;
        if (w == null) {
          w =
              Welcome.newBuilder()
                  .setSessionId(engine.nextUplinkId())
                  .setNodeId(engine.nodeId())
                  .setUserId(identity.userId())
                  .setHeartbeatMs(heartbeatMs)
                  .build();
          welcome = w;
        }
      }
    }
    return w;
  }

  @Override
  public CompletionStage<Frame> handle(Frame frame) {
    switch (frame.getKindCase()) {
      case SEND:
        return engine.send(this, frame.getSend());
      case PUSH_ACK:
      case SUBSCRIBE:
      case UNSUBSCRIBE:
        LocalDownlink downlink = engine.downlinks().find(identity.userId(), deviceId);
        if (downlink != null) {
          return engine.downlinks().onClientFrame(downlink, frame);
        }
        // The device's downlink may be on another node (uplink and downlink are chosen apart).
        return engine
            .forwardDeviceFrame(identity.userId(), deviceId, frame)
            .thenApply(
                forwarded -> {
                  if (!forwarded) {
                    log.debug("{} on uplink of {}/{} without a downlink", frame.getKindCase(), identity.userId(), deviceId);
                    return NO_DOWNLINK_FRAME;
                  }
                  return Frame.getDefaultInstance();
                });
      case PING:
        return CompletableFuture.completedStage(Frames.pong(frame.getPing().getNonce()));
      default:
        log.debug("uplink of {}/{}: unexpected {} frame", identity.userId(), deviceId, frame.getKindCase());
        return CompletableFuture.completedStage(
            Frames.error(
                ErrorCode.BAD_FRAME,
                Frames.isUnknownKind(frame)
                    ? "unknown frame kind"
                    : "unexpected " + frame.getKindCase() + " frame on an uplink"));
    }
  }

  /**
   * As {@link #handle} for each frame, but a run of consecutive {@code Send}s goes to the router
   * together ({@link Engine#sendAll}), which stores a batch to one recipient at once.
   */
  @Override
  public List<CompletionStage<Frame>> handleAll(List<Frame> frames) {
    List<CompletionStage<Frame>> answers = new ArrayList<>(frames.size());
    int i = 0;
    while (i < frames.size()) {
      int end = i + 1;
      if (frames.get(i).getKindCase() == Frame.KindCase.SEND) {
        while (end < frames.size() && frames.get(end).getKindCase() == Frame.KindCase.SEND) {
          end++;
        }
      }
      if (end - i == 1) {
        answers.addAll(FrameAnswers.handleEach(frames.subList(i, end), this::handle));
      } else {
        List<Send> sends = new ArrayList<>(end - i);
        for (int j = i; j < end; j++) {
          sends.add(frames.get(j).getSend());
        }
        answers.addAll(engine.sendAll(this, sends));
      }
      i = end;
    }
    return answers;
  }

  @Override
  public void onClosed() {
    if (log.isDebugEnabled()) {
      Welcome w = welcome;
      log.debug("uplink {} of {}/{} closed", w == null ? "(id never shown)" : w.getSessionId(), identity.userId(), deviceId);
    }
  }

  @Override
  public Identity identity() {
    return identity;
  }

  @Override
  public String deviceId() {
    return deviceId;
  }

  @Override
  public Router router() {
    return engine.router();
  }
}

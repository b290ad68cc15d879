package io.linkgate.router.internal;

import io.linkgate.api.Frames;
import io.linkgate.api.auth.Identity;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Welcome;
import io.linkgate.api.transport.UplinkSession;
import io.linkgate.router.Router;
import io.linkgate.router.SendContext;
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
  private final Welcome welcome;

  Uplink(Engine engine, Identity identity, String deviceId, Welcome welcome) {
    this.engine = engine;
    this.identity = identity;
    this.deviceId = deviceId;
    this.welcome = welcome;
  }

  @Override
  public Welcome welcome() {
    return welcome;
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

  @Override
  public void onClosed() {
    log.debug("uplink {} closed", welcome.getSessionId());
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

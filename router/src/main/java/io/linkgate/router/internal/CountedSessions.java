package io.linkgate.router.internal;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Welcome;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.api.transport.UplinkSession;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Sessions that give their address's slot back when they close ({@link AddressLimits}). */
final class CountedSessions {
  private CountedSessions() {}

  record Downlink(DownlinkSession session, Runnable release) implements DownlinkSession {
    @Override
    public String sessionId() {
      return session.sessionId();
    }

    @Override
    public CompletionStage<Frame> onFrame(Frame frame) {
      return session.onFrame(frame);
    }

    @Override
    public void onClosed() {
      try {
        session.onClosed();
      } finally {
        release.run();
      }
    }
  }

  record Uplink(UplinkSession session, Runnable release) implements UplinkSession {
    @Override
    public Welcome welcome() {
      return session.welcome();
    }

    @Override
    public CompletionStage<Frame> handle(Frame frame) {
      return session.handle(frame);
    }

    @Override
    public List<CompletionStage<Frame>> handleAll(List<Frame> frames) {
      return session.handleAll(frames);
    }

    @Override
    public void onClosed() {
      try {
        session.onClosed();
      } finally {
        release.run();
      }
    }
  }
}

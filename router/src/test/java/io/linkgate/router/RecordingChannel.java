package io.linkgate.router;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.Frames;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Welcome;
import io.linkgate.api.transport.DownlinkChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A downlink channel that records what the router writes. With a frame limit it behaves like a
 * slow consumer: past the limit {@code send} refuses, and the channel closes itself with {@code
 * Error SLOW_CONSUMER}, as a transport's bounded queue would.
 */
class RecordingChannel implements DownlinkChannel {
  private final int maxFrames;
  private final List<EncodedFrame> sent = new ArrayList<>();
  private Frame closedWith;
  private boolean open = true;
  private int refusals;

  RecordingChannel() {
    this(Integer.MAX_VALUE);
  }

  RecordingChannel(int maxFrames) {
    this.maxFrames = maxFrames;
  }

  @Override
  public synchronized boolean send(EncodedFrame frame) {
    if (!open) {
      refusals++;
      return false;
    }
    if (sent.size() >= maxFrames) {
      refusals++;
      open = false;
      closedWith = Frames.error(ErrorCode.SLOW_CONSUMER, "outbound queue full");
      return false;
    }
    sent.add(frame);
    return true;
  }

  @Override
  public synchronized void close(Frame lastFrame) {
    if (open) {
      open = false;
      closedWith = lastFrame;
    }
  }

  @Override
  public synchronized boolean isOpen() {
    return open;
  }

  synchronized List<EncodedFrame> encoded() {
    return new ArrayList<>(sent);
  }

  synchronized List<Frame> frames() {
    return sent.stream().map(EncodedFrame::frame).toList();
  }

  synchronized List<Push> pushes() {
    return sent.stream()
        .map(EncodedFrame::frame)
        .filter(Frame::hasPush)
        .map(Frame::getPush)
        .toList();
  }

  synchronized List<Long> seqs() {
    return pushes().stream().map(Push::getSeq).toList();
  }

  synchronized Welcome welcome() {
    if (sent.isEmpty() || !sent.get(0).frame().hasWelcome()) {
      throw new AssertionError("first frame is not a Welcome: " + frames());
    }
    return sent.get(0).frame().getWelcome();
  }

  synchronized Frame closedWith() {
    return closedWith;
  }

  synchronized int refusals() {
    return refusals;
  }
}

package io.linkgate.client.internal;

import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.proto.Frame;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Stands between one racing downlink attempt and the caller's listener: holds what the connection
 * delivers until the race is decided, then passes it on if the attempt won and drops it if not, so
 * only the winner's frames ever reach the caller. Thread-safe: the transport calls in on its thread,
 * the race decides on the scheduler.
 */
final class DownlinkGate implements ClientDownlink.Listener {
  /** Frames held before the decision; a handful at most, as the decision follows the Welcome. */
  static final int MAX_HELD = 256;

  private enum Mode { HOLDING, PASSING, DROPPING }

  private final ClientDownlink.Listener target;
  private Mode mode = Mode.HOLDING;
  private List<Frame> held = new ArrayList<>();
  private boolean overflowed;
  private boolean closed;
  private Throwable closeCause;

  DownlinkGate(ClientDownlink.Listener target) {
    this.target = target;
  }

  @Override
  public synchronized void onFrame(Frame frame) {
    switch (mode) {
      case PASSING -> target.onFrame(frame);
      case DROPPING -> { }
      case HOLDING -> {
        if (held.size() < MAX_HELD) {
          held.add(frame);
        } else {
          overflowed = true;
        }
      }
    }
  }

  @Override
  public synchronized void onClosed(Throwable cause) {
    switch (mode) {
      case PASSING -> target.onClosed(cause);
      case DROPPING -> { }
      case HOLDING -> {
        closed = true;
        closeCause = cause;
      }
    }
  }

  /**
   * The attempt won: hands over what was held, then passes everything through.
   *
   * @return false if frames had to be dropped while holding; the caller was told the connection
   *     closed and must close it
   */
  synchronized boolean pass() {
    List<Frame> frames = held;
    held = null;
    frames.forEach(target::onFrame);
    if (overflowed) {
      mode = Mode.DROPPING;
      target.onClosed(new IOException(
          "more than " + MAX_HELD + " frames arrived before the connection race was decided"));
      return false;
    }
    mode = Mode.PASSING;
    if (closed) {
      target.onClosed(closeCause);
    }
    return true;
  }

  /** The attempt lost: nothing it delivers reaches the caller. */
  synchronized void drop() {
    mode = Mode.DROPPING;
    held = null;
  }
}

package io.linkgate.tck;

import io.linkgate.api.proto.Frame;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * Turns a raw operation the transport declares impossible ({@link UnsupportedOperationException})
 * into an aborted test, so it shows as skipped with the reason rather than as passed.
 */
final class GuardedRawConnection implements RawConnection {
  private final RawConnection delegate;

  GuardedRawConnection(RawConnection delegate) {
    this.delegate = delegate;
  }

  @Override
  public void send(Frame frame) throws IOException {
    try {
      delegate.send(frame);
    } catch (UnsupportedOperationException e) {
      throw aborted("send " + frame.getKindCase(), e);
    }
  }

  @Override
  public void sendOversizedFrame(int declaredBodyBytes) throws IOException {
    try {
      delegate.sendOversizedFrame(declaredBodyBytes);
    } catch (UnsupportedOperationException e) {
      throw aborted("send an oversized frame", e);
    }
  }

  @Override
  public void sendGarbage() throws IOException {
    try {
      delegate.sendGarbage();
    } catch (UnsupportedOperationException e) {
      throw aborted("send garbage", e);
    }
  }

  @Override
  public void sendTrickled(Frame frame, Duration gap, Duration atMost) throws IOException {
    try {
      delegate.sendTrickled(frame, gap, atMost);
    } catch (UnsupportedOperationException e) {
      throw aborted("trickle a frame", e);
    }
  }

  @Override
  public void pauseReading() {
    try {
      delegate.pauseReading();
    } catch (UnsupportedOperationException e) {
      throw aborted("pause reading", e);
    }
  }

  @Override
  public Frame receive(Duration timeout) throws IOException, TimeoutException {
    return delegate.receive(timeout);
  }

  @Override
  public void close() {
    delegate.close();
  }

  private static RuntimeException aborted(String what, UnsupportedOperationException e) {
    Assumptions.abort("the transport's raw access cannot " + what + ": " + e.getMessage());
    return e; // not reached: abort throws
  }
}

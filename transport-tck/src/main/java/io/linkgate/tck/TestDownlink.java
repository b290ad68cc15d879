package io.linkgate.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Welcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A downlink opened with the transport's client, recording what the server sends. Heartbeat answers
 * the client transport may provoke on its own, and the kit's probe pushes, are skipped by {@link
 * #nextPush()}.
 */
final class TestDownlink implements ClientDownlink.Listener {
  /** Header marking the kit's own synchronisation pushes (see {@code Fixture.awaitRoomMembers}). */
  static final String PROBE_HEADER = "x-tck-probe";

  private final String label;
  private final Duration timeout;
  private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Throwable> closed = new CompletableFuture<>();
  private volatile ClientDownlink link;
  private final java.util.concurrent.atomic.AtomicInteger probes = new java.util.concurrent.atomic.AtomicInteger();

  TestDownlink(String label, Duration timeout) {
    this.label = label;
    this.timeout = timeout;
  }

  void attach(ClientDownlink link) {
    this.link = link;
  }

  @Override
  public void onFrame(Frame frame) {
    if (frame.hasPush() && frame.getPush().containsHeaders(PROBE_HEADER)) {
      probes.incrementAndGet();
    }
    frames.add(frame);
  }

  /** The kit's probe pushes this downlink has received so far. */
  int probesSeen() {
    return probes.get();
  }

  @Override
  public void onClosed(Throwable cause) {
    closed.complete(cause);
  }

  String label() {
    return label;
  }

  Welcome welcome() {
    return link.welcome();
  }

  void send(Frame frame) {
    link.send(frame);
  }

  boolean isOpen() {
    return link.isOpen();
  }

  void close() {
    ClientDownlink l = link;
    if (l != null) {
      l.close();
    }
  }

  /** The next frame of any kind. */
  Frame nextFrame() {
    try {
      Frame f = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (f == null) {
        fail("%s: no frame within %s (closed: %s)", label, timeout, closedDescription());
      }
      return f;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The next push, skipping pongs and probes; any other frame fails the test. */
  Push nextPush() {
    while (true) {
      Frame f = nextFrame();
      if (f.hasPong()) {
        continue;
      }
      if (!f.hasPush()) {
        fail("%s: expected a Push but got %s", label, Wire.describe(f));
      }
      if (f.getPush().containsHeaders(PROBE_HEADER)) {
        continue;
      }
      return f.getPush();
    }
  }

  List<Push> nextPushes(int n) {
    List<Push> pushes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      pushes.add(nextPush());
    }
    return pushes;
  }

  /** The next frame that is neither a push nor a pong. */
  Frame nextNonPush() {
    while (true) {
      Frame f = nextFrame();
      if (!f.hasPush() && !f.hasPong()) {
        return f;
      }
    }
  }

  /** Waits until the connection is gone and returns the cause the client transport reported. */
  Throwable awaitClosed() {
    try {
      return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(label + ": still open after " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  boolean isClosed() {
    return closed.isDone();
  }

  void assertOpen() {
    assertThat(closed.isDone())
        .as("%s should still be open, but closed (%s)", label, closedDescription())
        .isFalse();
  }

  private String closedDescription() {
    if (!closed.isDone()) {
      return "no";
    }
    Throwable cause = closed.getNow(null);
    return cause == null ? "yes, by this side" : "yes: " + cause;
  }
}

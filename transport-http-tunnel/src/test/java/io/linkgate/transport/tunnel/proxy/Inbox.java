package io.linkgate.transport.tunnel.proxy;

import static org.assertj.core.api.Assertions.fail;

import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A downlink listener that keeps every push with the moment it arrived, for tests that measure
 * how long a push took through the proxy, and that notes the close.
 */
final class Inbox implements ClientDownlink.Listener {
  /** A push, and {@code System.nanoTime()} when the listener got it. */
  record Arrival(Push push, long atNanos) {
    String text() {
      return push.getPayload().toStringUtf8();
    }
  }

  private final BlockingQueue<Arrival> pushes = new LinkedBlockingQueue<>();
  private final List<Frame> others = new ArrayList<>();
  private final CompletableFuture<Throwable> closed = new CompletableFuture<>();

  @Override
  public void onFrame(Frame frame) {
    long now = System.nanoTime();
    if (frame.hasPush()) {
      pushes.add(new Arrival(frame.getPush(), now));
    } else {
      synchronized (others) {
        others.add(frame);
      }
    }
  }

  @Override
  public void onClosed(Throwable cause) {
    if (!closed.complete(cause)) {
      fail("onClosed called twice");
    }
  }

  /** The next push, waiting up to {@code timeoutMs} for it. */
  Arrival nextPush(long timeoutMs) throws InterruptedException {
    Arrival a = pushes.poll(timeoutMs, TimeUnit.MILLISECONDS);
    if (a == null) {
      fail("no push within %d ms (closed: %s)", timeoutMs, closed.getNow(null));
    }
    return a;
  }

  /** The next {@code count} pushes, waiting up to 10 s for them all. */
  List<Arrival> nextPushes(int count) throws InterruptedException {
    List<Arrival> got = new ArrayList<>(count);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (got.size() < count) {
      long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      Arrival a = pushes.poll(Math.max(0, leftMs), TimeUnit.MILLISECONDS);
      if (a == null) {
        fail("%d of %d pushes within 10 s (closed: %s)", got.size(), count, closed.getNow(null));
      }
      got.add(a);
    }
    return got;
  }

  /** How many pushes arrived and were not taken yet. */
  int waiting() {
    return pushes.size();
  }

  /** Pushes that arrived and were not taken yet. */
  List<Arrival> drain() {
    List<Arrival> left = new ArrayList<>();
    pushes.drainTo(left);
    return left;
  }

  /** Frames other than pushes (Pong, GoAway, Error), in arrival order. */
  List<Frame> others() {
    synchronized (others) {
      return List.copyOf(others);
    }
  }

  boolean isClosed() {
    return closed.isDone();
  }

  /** The close's cause (null: closed by this side), waiting up to {@code timeoutMs}. */
  Throwable awaitClosed(long timeoutMs) throws Exception {
    return closed.get(timeoutMs, TimeUnit.MILLISECONDS);
  }
}

package io.linkgate.transport.tunnel;

import static org.assertj.core.api.Assertions.fail;

import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A downlink listener that records what arrives, for tests to wait on. */
final class Recorder implements ClientDownlink.Listener {
  final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
  final CompletableFuture<Throwable> closed = new CompletableFuture<>();

  @Override
  public void onFrame(Frame frame) {
    frames.add(frame);
  }

  @Override
  public void onClosed(Throwable cause) {
    if (!closed.complete(cause)) {
      fail("onClosed called twice");
    }
  }

  Frame next() throws InterruptedException {
    Frame f = frames.poll(5, TimeUnit.SECONDS);
    if (f == null) {
      fail("no frame within 5 s (closed: %s)", closed.getNow(null));
    }
    return f;
  }

  Push nextPush() throws InterruptedException {
    while (true) {
      Frame f = next();
      if (f.hasPush()) {
        return f.getPush();
      }
    }
  }

  Throwable awaitClosed() throws Exception {
    return closed.get(5, TimeUnit.SECONDS);
  }
}

package io.linkgate.transport.tunnel.internal.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Ends an exchange refused before its body was read only once the client has sent that body: the
 * rest is read and dropped. The refusal is written at once, for a client that reads while it sends;
 * but a client that reads its answer only after sending its request (the JDK's HttpClient does)
 * would otherwise have its upload cut off by the close, and never read the 413 that tells it to
 * send less. Bounded: past {@link #MAX_BYTES} or {@link #MAX_MS} the exchange ends anyway, and the
 * connection with it.
 */
final class BodyDrain implements Runnable {
  static final long MAX_BYTES = 1 << 20;
  static final long MAX_MS = 5_000;

  private final Request request;
  private final Callback exchange;
  private final AtomicBoolean done = new AtomicBoolean();
  private volatile Scheduler.Task timer;
  private long dropped;

  private BodyDrain(Request request, Callback exchange) {
    this.request = request;
    this.exchange = exchange;
  }

  /** A callback for the refusal's write that drains the body before completing {@code exchange}. */
  static Callback after(Request request, Callback exchange) {
    return Callback.from(
        () -> {
          BodyDrain drain = new BodyDrain(request, exchange);
          drain.timer =
              request
                  .getComponents()
                  .getScheduler()
                  .schedule(drain::finish, MAX_MS, TimeUnit.MILLISECONDS);
          drain.run();
        },
        exchange::failed);
  }

  @Override
  public void run() {
    while (!done.get()) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        request.demand(this);
        return;
      }
      dropped += chunk.remaining();
      boolean end = chunk.isLast() || Content.Chunk.isFailure(chunk) || dropped > MAX_BYTES;
      chunk.release();
      if (end) {
        finish();
      }
    }
  }

  private void finish() {
    if (done.compareAndSet(false, true)) {
      Scheduler.Task t = timer;
      if (t != null) {
        t.cancel();
      }
      exchange.succeeded();
    }
  }
}

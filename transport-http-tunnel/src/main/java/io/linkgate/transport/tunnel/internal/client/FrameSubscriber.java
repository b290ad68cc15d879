package io.linkgate.transport.tunnel.internal.client;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.Frame;
import io.linkgate.transport.tunnel.internal.FrameSplitter;
import java.io.EOFException;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * Reads a response body as frames while it arrives, one buffer at a time (so a stream is read at
 * the pace its frames are handled), holding at most one frame. The body completes when the response
 * ends between frames; it fails on a bad or oversized frame, on an end inside a frame, or when
 * {@link #cancel} gives up on it.
 */
final class FrameSubscriber implements HttpResponse.BodySubscriber<Void> {
  private final FrameSplitter splitter;
  private final Consumer<Frame> sink;
  private final CompletableFuture<Void> body = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;
  private volatile long lastByteNanos = System.nanoTime();

  /**
   * @param sink takes each frame in order; whatever it throws fails the body
   */
  FrameSubscriber(int maxFrameBytes, Consumer<Frame> sink) {
    this.splitter = new FrameSplitter(maxFrameBytes);
    this.sink = sink;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (body.isDone()) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    lastByteNanos = System.nanoTime();
    if (body.isDone()) {
      return;
    }
    try {
      for (ByteBuffer b : buffers) {
        splitter.feed(b, sink);
      }
    } catch (GatewayException e) {
      cancel(new IOException("bad frame from the server: " + e.getMessage(), e));
      return;
    } catch (RuntimeException e) {
      cancel(new IOException("bad response from the server: " + e.getMessage(), e));
      return;
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable failure) {
    body.completeExceptionally(failure);
  }

  @Override
  public void onComplete() {
    if (splitter.isBetweenFrames()) {
      body.complete(null);
    } else {
      body.completeExceptionally(new EOFException("the response ended inside a frame"));
    }
  }

  @Override
  public CompletionStage<Void> getBody() {
    return body;
  }

  /** Gives up on the body: the connection is dropped and the body fails with {@code cause}. */
  void cancel(Throwable cause) {
    if (body.completeExceptionally(cause)) {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }

  long lastByteNanos() {
    return lastByteNanos;
  }
}

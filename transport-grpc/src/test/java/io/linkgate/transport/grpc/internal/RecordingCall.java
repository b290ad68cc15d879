package io.linkgate.transport.grpc.internal;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A client call's listener that records what arrives, for tests that drive calls by hand. */
final class RecordingCall<T> extends ClientCall.Listener<T> {
  final BlockingQueue<T> messages = new LinkedBlockingQueue<>();
  final CompletableFuture<Status> status = new CompletableFuture<>();
  volatile Metadata trailers;

  @Override
  public void onMessage(T message) {
    messages.add(message);
  }

  @Override
  public void onClose(Status s, Metadata t) {
    trailers = t;
    status.complete(s);
  }

  T next() throws InterruptedException {
    T m = messages.poll(5, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("no message within 5 s (status: " + status.getNow(null) + ")");
    }
    return m;
  }

  Status awaitStatus() throws Exception {
    return status.get(5, TimeUnit.SECONDS);
  }
}

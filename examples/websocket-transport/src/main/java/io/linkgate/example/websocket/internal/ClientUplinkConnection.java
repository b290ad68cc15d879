package io.linkgate.example.websocket.internal;

import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.jetty.util.Callback;

/**
 * An open uplink, client side. Calls may be pipelined: the server answers in order, so each answer
 * completes the oldest call still waiting.
 */
final class ClientUplinkConnection extends ClientConnection implements ClientUplink {
  private final ArrayDeque<CompletableFuture<Frame>> pending = new ArrayDeque<>(); // guarded by this
  private boolean gone; // guarded by this

  ClientUplinkConnection(Hello hello, int maxFrameBytes) {
    super(hello, maxFrameBytes);
  }

  @Override
  public CompletionStage<Frame> call(Frame frame) {
    CompletableFuture<Frame> answer = new CompletableFuture<>();
    synchronized (this) {
      if (gone || !isOpen()) {
        return CompletableFuture.failedFuture(new IOException("uplink is closed"));
      }
      pending.add(answer);
      // Under the lock: the order of the queue is the order on the wire.
      send(frame, Callback.from(() -> {}, answer::completeExceptionally));
    }
    return answer;
  }

  @Override
  void onMessage(Frame frame) {
    CompletableFuture<Frame> answer;
    synchronized (this) {
      answer = pending.poll();
    }
    if (answer != null) {
      answer.complete(frame);
    }
    // else: an Error the server sends before it closes an idle uplink; the close follows.
  }

  @Override
  void onGone(Throwable cause) {
    ArrayDeque<CompletableFuture<Frame>> failed;
    synchronized (this) {
      gone = true;
      failed = new ArrayDeque<>(pending);
      pending.clear();
    }
    IOException lost = new IOException("uplink closed before its answer", cause);
    failed.forEach(f -> f.completeExceptionally(lost));
  }
}

package io.linkgate.transport.tcp.internal;

import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * An open uplink, client side. Calls are pipelined: each one's future joins a FIFO on the event
 * loop at the moment its frame is written, so the n-th answer completes the n-th call.
 */
final class ClientUplinkConnection extends ClientConnection<ClientUplink> implements ClientUplink {
  /** Event loop only. */
  private final ArrayDeque<CompletableFuture<Frame>> pending = new ArrayDeque<>();

  ClientUplinkConnection(Hello hello, long timeoutMillis) {
    super(hello, timeoutMillis);
  }

  @Override
  protected ClientUplink self() {
    return this;
  }

  @Override
  public CompletionStage<Frame> call(Frame frame) {
    CompletableFuture<Frame> answer = new CompletableFuture<>();
    Channel ch = channel;
    if (ch == null || !isOpen()) {
      answer.completeExceptionally(new IOException("uplink is closed"));
      return answer;
    }
    ByteBuf buf = FrameBufs.of(frame); // encode on the caller's thread
    if (ch.eventLoop().inEventLoop()) {
      write(ch, buf, answer);
    } else {
      try {
        ch.eventLoop().execute(() -> write(ch, buf, answer));
      } catch (RejectedExecutionException e) {
        buf.release();
        answer.completeExceptionally(new IOException("uplink is closed"));
      }
    }
    return answer;
  }

  private void write(Channel ch, ByteBuf buf, CompletableFuture<Frame> answer) {
    if (!ch.isActive() || closedByUs) {
      buf.release();
      answer.completeExceptionally(new IOException("uplink is closed"));
      return;
    }
    pending.add(answer);
    ch.writeAndFlush(buf, ch.voidPromise());
  }

  @Override
  protected void onFrame(Frame frame) {
    CompletableFuture<Frame> answer = pending.poll();
    if (answer == null) {
      // Nothing was asked: the server broke the one-answer-per-frame rule.
      channel.close();
      return;
    }
    answer.complete(frame);
  }

  @Override
  protected void onClosed(Throwable cause) {
    IOException lost =
        cause instanceof IOException io ? io : new IOException("uplink closed", cause);
    CompletableFuture<Frame> answer;
    while ((answer = pending.poll()) != null) {
      answer.completeExceptionally(lost);
    }
  }
}

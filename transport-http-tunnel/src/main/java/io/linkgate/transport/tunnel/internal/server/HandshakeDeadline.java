package io.linkgate.transport.tunnel.internal.server;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.transport.TransportError;
import io.linkgate.api.transport.TransportEvents;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Bounds how long the core may take to open a session (authentication included), as the handshake
 * timeout does on TCP. A session that opens after the deadline passed is released at once.
 */
final class HandshakeDeadline {
  private final Scheduler scheduler;
  private final long timeoutMs;
  private final TransportEvents events;

  HandshakeDeadline(Scheduler scheduler, long timeoutMs, TransportEvents events) {
    this.scheduler = scheduler;
    this.timeoutMs = timeoutMs;
    this.events = events;
  }

  /**
   * {@code stage}, failed with {@code TIMEOUT} if it takes longer than the handshake timeout.
   *
   * @param release what to do with a session that arrives too late
   */
  <T> CompletableFuture<T> bound(CompletionStage<T> stage, Consumer<T> release) {
    CompletableFuture<T> opened = stage.toCompletableFuture();
    if (opened.isDone()) {
      // The usual case (a token verified lately is not checked again): nothing to time, and a
      // timer would cost a scheduling and a cancel on every request.
      return opened;
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    Scheduler.Task timer =
        scheduler.schedule(
            () -> {
              if (result.completeExceptionally(
                  new GatewayException(
                      ErrorCode.TIMEOUT,
                      "handshake (authentication) not completed within " + timeoutMs + " ms"))) {
                events.error(TransportError.HANDSHAKE_TIMEOUT);
              }
            },
            timeoutMs,
            TimeUnit.MILLISECONDS);
    stage.whenComplete(
        (value, failure) -> {
          timer.cancel();
          boolean delivered =
              failure != null ? result.completeExceptionally(failure) : result.complete(value);
          if (!delivered && value != null) {
            release.accept(value);
          }
        });
    return result;
  }
}

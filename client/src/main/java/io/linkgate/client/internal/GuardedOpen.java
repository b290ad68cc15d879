package io.linkgate.client.internal;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.client.Endpoints;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One connection attempt with a guard over it, in case a transport never answers (transports apply
 * their own connect timeout first). A connection that opens after the guard fired is closed: nobody
 * will use it.
 */
final class GuardedOpen {
  private GuardedOpen() {}

  static <T> CompletableFuture<T> open(
      Scheduler scheduler,
      Duration timeout,
      Endpoint endpoint,
      Function<Endpoint, CompletionStage<T>> open,
      Consumer<T> close) {
    CompletableFuture<T> attempt = new CompletableFuture<>();
    var guard = scheduler.schedule(
        () -> attempt.completeExceptionally(
            new TimeoutException("no welcome from " + Endpoints.describe(endpoint)
                + " within " + timeout.toMillis() + " ms")),
        timeout.toMillis(),
        TimeUnit.MILLISECONDS);
    attempt.whenComplete((link, error) -> guard.cancel(false));
    try {
      open.apply(endpoint).whenComplete((link, error) -> {
        if (error != null) {
          attempt.completeExceptionally(error);
        } else if (!attempt.complete(link)) {
          close.accept(link);
        }
      });
    } catch (RuntimeException e) {
      attempt.completeExceptionally(e);
    }
    return attempt;
  }
}

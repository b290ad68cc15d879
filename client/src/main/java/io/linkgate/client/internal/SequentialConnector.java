package io.linkgate.client.internal;

import io.linkgate.api.client.ClientDownlink;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Hello;
import io.linkgate.client.Endpoints;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Tries the candidates one after another, in the caller's order; the first that completes the
 * handshake wins. The simplest {@link Connector}: racing replaces it.
 */
public final class SequentialConnector implements Connector {
  private final TransportPool transports;
  private final Scheduler scheduler;
  private final Duration attemptTimeout;

  /**
   * @param attemptTimeout a guard over each attempt in case a transport never answers; transports
   *     apply their own connect timeout first
   */
  public SequentialConnector(
      TransportPool transports, Scheduler scheduler, Duration attemptTimeout) {
    this.transports = transports;
    this.scheduler = scheduler;
    this.attemptTimeout = attemptTimeout;
  }

  @Override
  public CompletionStage<Opened<ClientDownlink>> openDownlink(
      List<Endpoint> candidates, Hello hello, ClientDownlink.Listener listener) {
    CompletableFuture<Opened<ClientDownlink>> result = new CompletableFuture<>();
    tryNext(
        candidates, 0, null, result,
        e -> transports.get(e.getTransport()).openDownlink(e, hello, listener),
        ClientDownlink::close);
    return result;
  }

  @Override
  public CompletionStage<Opened<ClientUplink>> openUplink(List<Endpoint> candidates, Hello hello) {
    CompletableFuture<Opened<ClientUplink>> result = new CompletableFuture<>();
    tryNext(
        candidates, 0, null, result,
        e -> transports.get(e.getTransport()).openUplink(e, hello),
        ClientUplink::close);
    return result;
  }

  @Override
  public void close() {
    transports.close();
  }

  private <T> void tryNext(
      List<Endpoint> candidates,
      int index,
      Throwable lastFailure,
      CompletableFuture<Opened<T>> result,
      Function<Endpoint, CompletionStage<T>> open,
      Consumer<T> close) {
    if (result.isDone()) {
      return;
    }
    if (index >= candidates.size()) {
      if (candidates.size() == 1 && lastFailure != null) {
        result.completeExceptionally(Failures.unwrap(lastFailure));
      } else {
        IOException all =
            new IOException(
                "no endpoint answered (" + candidates.size() + " tried)"
                    + (lastFailure == null ? "" : "; last: " + Failures.describe(lastFailure)));
        if (lastFailure != null) {
          all.initCause(Failures.unwrap(lastFailure));
        }
        result.completeExceptionally(all);
      }
      return;
    }
    Endpoint endpoint = candidates.get(index);
    CompletableFuture<T> attempt = new CompletableFuture<>();
    var guard =
        scheduler.schedule(
            () -> attempt.completeExceptionally(
                new TimeoutException("no welcome from " + Endpoints.describe(endpoint)
                    + " within " + attemptTimeout.toMillis() + " ms")),
            attemptTimeout.toMillis(),
            TimeUnit.MILLISECONDS);
    try {
      open.apply(endpoint).whenComplete((link, error) -> {
        if (error != null) {
          attempt.completeExceptionally(error);
        } else if (!attempt.complete(link)) {
          close.accept(link); // the guard fired first: nobody will use this connection
        }
      });
    } catch (RuntimeException e) {
      attempt.completeExceptionally(e);
    }
    attempt.whenComplete((link, error) -> {
      guard.cancel(false);
      if (error == null) {
        if (!result.complete(new Opened<>(link, endpoint))) {
          close.accept(link);
        }
      } else if (Failures.isRefusal(error)) {
        result.completeExceptionally(Failures.unwrap(error)); // the same token fails everywhere
      } else {
        tryNext(candidates, index + 1, error, result, open, close);
      }
    });
  }
}

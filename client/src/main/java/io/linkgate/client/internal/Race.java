package io.linkgate.client.internal;

import io.linkgate.api.proto.ConnectResult;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.client.Endpoints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One connect call raced over its candidates, RFC 8305 style: attempts start in the caller's order,
 * one every {@code stagger} while earlier ones are still open, at most {@code maxInFlight} at a
 * time; a failed attempt starts the next at once. The first to complete the handshake wins; every
 * other connection, including one that completes later, is closed. A refused token ends the race at
 * once, since the same token fails everywhere.
 *
 * <p>Scheduler thread only: every completion hops onto it, so no state here needs a lock.
 */
final class Race<T> {
  private final List<Endpoint> candidates;
  private final Scheduler scheduler;
  private final RaceSettings settings;
  private final Function<Endpoint, CompletionStage<T>> open;
  private final Consumer<T> close;
  private final OutcomeLog outcomes;
  private final CompletableFuture<Connector.Opened<T>> result = new CompletableFuture<>();
  /** "endpoint (why)" per failed attempt, for the message when every one failed. */
  private final List<String> failures = new ArrayList<>();
  private Throwable lastFailure;
  private int next;
  private int inFlight;
  private ScheduledFuture<?> staggerTimer;

  Race(
      List<Endpoint> candidates,
      Scheduler scheduler,
      RaceSettings settings,
      Function<Endpoint, CompletionStage<T>> open,
      Consumer<T> close,
      OutcomeLog outcomes) {
    this.candidates = List.copyOf(candidates);
    this.scheduler = scheduler;
    this.settings = settings;
    this.open = open;
    this.close = close;
    this.outcomes = outcomes;
  }

  CompletableFuture<Connector.Opened<T>> run() {
    scheduler.runOrPost(() -> {
      if (candidates.isEmpty()) {
        result.completeExceptionally(new IOException("no endpoint to connect to"));
      } else {
        launch();
      }
    });
    return result;
  }

  private void launch() {
    Endpoint endpoint = candidates.get(next++);
    inFlight++;
    long started = System.nanoTime();
    GuardedOpen.open(scheduler, settings.attemptTimeout(), endpoint, open, close)
        .whenComplete((link, error) -> {
          long rttMs = (System.nanoTime() - started) / 1_000_000;
          scheduler.runOrPost(() -> finished(endpoint, link, error, rttMs));
        });
    cancelStagger();
    if (next < candidates.size()) {
      staggerTimer = scheduler.schedule(
          Threads.guarded(this::staggerElapsed), settings.stagger().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void staggerElapsed() {
    staggerTimer = null;
    if (!result.isDone() && inFlight < settings.maxInFlight() && next < candidates.size()) {
      launch();
    }
    // Otherwise the next attempt starts when one in flight fails.
  }

  private void finished(Endpoint endpoint, T link, Throwable error, long rttMs) {
    inFlight--;
    if (error == null) {
      if (result.isDone()) {
        close.accept(link); // a late completer: the race is over
        outcomes.record(endpoint, ConnectResult.LOST, rttMs);
        return;
      }
      cancelStagger();
      outcomes.record(endpoint, ConnectResult.WON, rttMs);
      result.complete(new Connector.Opened<>(link, endpoint));
      return;
    }
    if (Failures.isRefusal(error)) {
      cancelStagger();
      result.completeExceptionally(Failures.unwrap(error));
      return;
    }
    outcomes.record(endpoint, Failures.resultOf(error), rttMs);
    if (result.isDone()) {
      return;
    }
    lastFailure = error;
    failures.add(Endpoints.describe(endpoint) + " (" + Failures.describe(error) + ")");
    if (next < candidates.size()) {
      launch(); // no reason to wait out the stagger: this attempt is over
    } else if (inFlight == 0) {
      result.completeExceptionally(allFailed());
    }
  }

  /** Names each endpoint and why, so a state event or a log line says what went wrong where. */
  private Throwable allFailed() {
    String each = String.join("; ", failures);
    IOException all = new IOException(candidates.size() == 1
        ? each
        : "no endpoint answered (" + candidates.size() + " tried): " + each);
    all.initCause(Failures.unwrap(lastFailure));
    return all;
  }

  private void cancelStagger() {
    if (staggerTimer != null) {
      staggerTimer.cancel(false);
      staggerTimer = null;
    }
  }
}

package io.linkgate.examples.business;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs each user's pushes one after the other, in the order they were asked for, and different
 * users' at once. The stream hands entries out in the order the gateways stored them; pushes run
 * concurrently would reach the store, and take their seqs, in any order.
 *
 * <p>Holds one entry per user with work in flight, so it is bounded by the consumer's {@code
 * maxInFlight}.
 */
final class UserLanes {
  /** Per user, the last task asked for: the next one starts when it ends. */
  private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

  /** Starts {@code task} once every task asked for earlier for {@code user} has ended, either way. */
  <T> CompletionStage<T> run(String user, Supplier<? extends CompletionStage<T>> task) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> previous = tails.put(user, mine);
    CompletableFuture<Void> start = previous == null ? CompletableFuture.completedFuture(null) : previous;
    CompletableFuture<T> done = start.thenCompose(x -> safely(task));
    done.whenComplete(
        (v, err) -> {
          tails.remove(user, mine); // only if no later task queued behind this one
          mine.complete(null);
        });
    return done;
  }

  /** Users with a task queued or running: for tests of the bound. */
  int size() {
    return tails.size();
  }

  private static <T> CompletionStage<T> safely(Supplier<? extends CompletionStage<T>> task) {
    try {
      CompletionStage<T> s = task.get();
      return s != null ? s : CompletableFuture.failedFuture(new IllegalStateException("task returned no stage"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}

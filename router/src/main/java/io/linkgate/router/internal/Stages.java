package io.linkgate.router.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Lets a step of the send path go on in line when the stage it follows is already complete, as
 * every stage of the in-memory store is. {@code handle}, {@code thenApply}, {@code whenComplete}
 * and {@code thenCombine} allocate a future and completion objects and run CompletableFuture's
 * trigger machinery even then: about 8% of an HTTP-tunnel request thread's samples. A stage that
 * failed, is not complete yet, or is not a plain {@code CompletableFuture} takes the asynchronous
 * path, which carries failures as it always has.
 */
final class Stages {
  private Stages() {}

  /**
   * True if {@code stage} is a plain {@code CompletableFuture} that completed with a value. Only
   * that exact class: {@code completedStage} and {@code minimalCompletionStage} give a subclass
   * whose {@code isDone} throws.
   */
  static boolean succeeded(CompletionStage<?> stage) {
    if (stage == null || stage.getClass() != CompletableFuture.class) {
      return false;
    }
    CompletableFuture<?> f = (CompletableFuture<?>) stage;
    return f.isDone() && !f.isCompletedExceptionally();
  }

  /** The value of a stage that {@link #succeeded}. */
  static <T> T value(CompletionStage<T> stage) {
    return ((CompletableFuture<T>) stage).getNow(null);
  }

  /**
   * The stage an asynchronous step that threw {@code e} would have given (it wraps the throwable
   * in a {@code CompletionException}), for an in-line step that must fail its stage rather than
   * throw to its caller.
   */
  static <T> CompletableFuture<T> failed(RuntimeException e) {
    return CompletableFuture.failedFuture(e instanceof CompletionException c ? c : new CompletionException(e));
  }
}

package io.linkgate.router;

import io.linkgate.api.proto.Push;
import io.linkgate.router.store.Inboxes;
import io.linkgate.router.store.RouterStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A store whose next inbox read takes its snapshot at once but answers only when the test opens the
 * gate: the window in which a slow store leaves a handshake exposed to racing pushes. Told to, it
 * holds its appends' answers behind the gate too, as a remote store would answer later. It also
 * keeps what the inbox's appends returned, and can run a task on the thread of its next read.
 */
final class GatedStore extends ForwardingStore {
  private final CompletableFuture<Void> gate = new CompletableFuture<>();
  private volatile boolean armed;
  private volatile boolean holdAppends;
  private final List<Inboxes.Appended> appended = new CopyOnWriteArrayList<>();
  private final AtomicReference<Runnable> beforeNextRead = new AtomicReference<>();

  GatedStore(RouterStore delegate) {
    super(delegate);
  }

  void holdNextRead() {
    armed = true;
  }

  /** Appends from now on store at once but answer only when the gate opens. */
  void holdAppends() {
    holdAppends = true;
  }

  /** Appends from now on answer at once again; those held already still wait for the gate. */
  void stopHoldingAppends() {
    holdAppends = false;
  }

  /** The next inbox read first runs {@code task}, on the reading thread, then takes its snapshot. */
  void beforeNextRead(Runnable task) {
    beforeNextRead.set(task);
  }

  void open() {
    gate.complete(null);
  }

  /** What every append so far returned, in order. */
  List<Inboxes.Appended> appended() {
    return List.copyOf(appended);
  }

  @Override
  public Inboxes inboxes() {
    Inboxes in = delegate.inboxes();
    return new Inboxes() {
      @Override
      public CompletionStage<Appended> append(String userId, Push.Builder push) {
        CompletionStage<Appended> stored = in.append(userId, push).thenApply(a -> {
          appended.add(a);
          return a;
        });
        return holdAppends ? stored.thenCombine(gate, (a, v) -> a) : stored;
      }

      @Override
      public CompletionStage<Slice> readAfter(String userId, long afterSeq) {
        Runnable task = beforeNextRead.getAndSet(null);
        if (task != null) {
          task.run();
        }
        CompletionStage<Slice> read = in.readAfter(userId, afterSeq);
        if (!armed) {
          return read;
        }
        armed = false;
        return read.thenCombine(gate, (slice, v) -> slice);
      }
    };
  }
}

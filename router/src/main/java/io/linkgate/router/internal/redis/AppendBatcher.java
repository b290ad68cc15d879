package io.linkgate.router.internal.redis;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Group commit for inbox appends: appends made while earlier script calls are still in flight wait
 * here and then go to Redis together, in one script call for many users.
 *
 * <p>Why: a cross-node push is cheap for Redis to store but dear to carry. Sent one call per push,
 * each costs a command to encode, a write, a reply to decode, and for Redis a request to read and
 * a {@code PUBLISH} to the receiving node, whose single pub/sub thread then decodes one message per
 * push. Batched, those costs are paid once per call. At a low rate nothing waits (a call goes out
 * at once when fewer than {@link #MAX_IN_FLIGHT} are in flight), so a lone push is not delayed; as
 * the rate grows the batches grow by themselves.
 *
 * <p>Order: appends leave in the order they were submitted, on one connection, and Redis runs
 * scripts one at a time, so one user's seqs follow the order of the calls. Every call is sent while
 * holding the lock that orders the queue, and never from the thread where replies complete (the
 * connection's event loop): Lettuce writes a command at once when called on that loop but queues
 * it for the loop when called elsewhere, so a call sent from the loop could overtake one another
 * thread had queued just before. Calls due when a reply completes go out from a sender thread;
 * a push made while fewer calls are in flight goes out at once from the thread that made it.
 *
 * <p>Memory: at most {@link #MAX_QUEUED} pushes wait; past that an append fails with {@code
 * UNAVAILABLE}, as it would if Redis were unreachable, rather than queueing without bound.
 */
final class AppendBatcher {
  /**
   * Script calls in flight at once: enough that Redis always has the next call waiting while the
   * pushing node decodes a reply (2 and 4 measured alike in the cluster benchmark; 4 with calls of
   * 128 was a little ahead of 2 with 256).
   */
  static final int MAX_IN_FLIGHT = 4;
  /** Pushes per call: bounds how long one script holds Redis (15-25 µs per push measured here). */
  static final int MAX_PUSHES_PER_CALL = 128;
  /** Encoded bytes per call, for the same reason and to bound the notice size. */
  static final int MAX_BYTES_PER_CALL = 256 * 1024;
  /** Pushes waiting for a call before appends are refused. */
  static final int MAX_QUEUED = 100_000;

  /**
   * One user's pushes, encoded without their seq, and who waits for their seqs.
   *
   * @param noticeBody the user id and the entries as notice fields ({@link Redis#lengthPrefixed})
   */
  record Pending(String userId, byte[] noticeBody, byte[][] entries, CompletableFuture<Stored> done) {
    int bytes() {
      int n = 0;
      for (byte[] e : entries) {
        n += e.length;
      }
      return n;
    }
  }

  /** What Redis gave one {@link Pending}: the epoch of the seq space and the first seq. */
  record Stored(String epoch, long firstSeq) {}

  private final Function<List<Pending>, CompletionStage<List<Stored>>> call;
  private final Executor sender;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int queuedPushes;
  private int inFlight;
  private boolean sendScheduled;
  /** The thread replies last completed on: it must not send (see the class comment). */
  private volatile Thread replyThread;

  /**
   * @param call runs one script call for the given appends (one or more per user, in order) and
   *     answers one {@link Stored} per append, in the same order
   * @param sender runs the sends that are due when a reply completes (a single thread)
   */
  AppendBatcher(Function<List<Pending>, CompletionStage<List<Stored>>> call, Executor sender) {
    this.call = call;
    this.sender = sender;
  }

  /** Queues appends that must run in the given order, one after the other. */
  void submit(List<Pending> appends) {
    GatewayException full = null;
    boolean schedule = false;
    synchronized (this) {
      int pushes = 0;
      for (Pending p : appends) {
        pushes += p.entries().length;
      }
      if (queuedPushes + pushes > MAX_QUEUED) {
        full =
            new GatewayException(
                ErrorCode.UNAVAILABLE,
                "could not store the push: message store backlog full (" + queuedPushes + " pushes waiting)");
      } else {
        queue.addAll(appends);
        queuedPushes += pushes;
        if (Thread.currentThread() != replyThread) {
          sendDueLocked();
        } else {
          schedule = scheduleLocked();
        }
      }
    }
    if (full != null) {
      for (Pending p : appends) {
        p.done().completeExceptionally(full);
      }
    } else if (schedule) {
      schedule();
    }
  }

  /** Pushes submitted but not yet sent, for tests and gauges. */
  synchronized int queuedPushes() {
    return queuedPushes;
  }

  /** True if the caller must schedule a send run: one is due and none is scheduled yet. */
  private boolean scheduleLocked() {
    if (sendScheduled || inFlight >= MAX_IN_FLIGHT || queue.isEmpty()) {
      return false;
    }
    sendScheduled = true;
    return true;
  }

  private void schedule() {
    try {
      sender.execute(this::sendWhatIsDue);
    } catch (RejectedExecutionException e) {
      // The store is closing: fail what waits rather than leave it waiting forever.
      List<Pending> dropped;
      synchronized (this) {
        sendScheduled = false;
        dropped = new ArrayList<>(queue);
        queue.clear();
        queuedPushes = 0;
      }
      GatewayException closed = new GatewayException(ErrorCode.UNAVAILABLE, "could not store the push: the store is closed");
      dropped.forEach(p -> p.done().completeExceptionally(closed));
    }
  }

  /** On the sender: sends what is due. */
  private void sendWhatIsDue() {
    synchronized (this) {
      sendScheduled = false;
      sendDueLocked();
    }
  }

  /** Sends batches while calls may be in flight and appends wait. Never on the reply thread. */
  private void sendDueLocked() {
    while (inFlight < MAX_IN_FLIGHT && !queue.isEmpty()) {
      List<Pending> batch = takeLocked();
      inFlight++;
      CompletionStage<List<Stored>> reply;
      try {
        reply = call.apply(batch);
      } catch (RuntimeException e) {
        reply = CompletableFuture.failedFuture(e);
      }
      reply.whenComplete((stored, err) -> finished(batch, stored, err));
    }
  }

  private List<Pending> takeLocked() {
    List<Pending> batch = new ArrayList<>();
    int pushes = 0;
    int bytes = 0;
    while (!queue.isEmpty()) {
      Pending next = queue.peekFirst();
      int n = next.entries().length;
      int b = next.bytes();
      // The first always goes, however large (RedisInboxes keeps each within the script's limit).
      if (!batch.isEmpty() && (pushes + n > MAX_PUSHES_PER_CALL || bytes + b > MAX_BYTES_PER_CALL)) {
        break;
      }
      queue.pollFirst();
      batch.add(next);
      pushes += n;
      bytes += b;
    }
    queuedPushes -= pushes;
    return batch;
  }

  private void finished(List<Pending> batch, List<Stored> stored, Throwable err) {
    if (!Thread.holdsLock(this)) {
      // Where replies complete; a call that failed at once completes on its sender, under the lock.
      replyThread = Thread.currentThread();
    }
    // Keep Redis busy first, then wake the waiters (whose callbacks run on this thread).
    boolean schedule;
    synchronized (this) {
      inFlight--;
      schedule = scheduleLocked();
    }
    if (schedule) {
      schedule();
    }
    for (int i = 0; i < batch.size(); i++) {
      CompletableFuture<Stored> done = batch.get(i).done();
      if (err != null) {
        done.completeExceptionally(err);
      } else if (stored == null || stored.size() != batch.size()) {
        done.completeExceptionally(
            new IllegalStateException(
                "the append script answered " + (stored == null ? 0 : stored.size()) + " results for " + batch.size() + " appends"));
      } else {
        done.complete(stored.get(i));
      }
    }
  }
}

package io.linkgate.router.internal;

import io.linkgate.api.proto.Frame;
import io.linkgate.router.RouterEvents;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Makes {@code Send} idempotent by (user, client_msg_id): the first attempt's answer is kept, as a
 * future, so a retry that arrives while the first is still in flight waits for it instead of
 * delivering again. Only successful answers ({@code SendAck}) are kept, so a send that failed may
 * be retried for real.
 *
 * <p>A window of the latest sends, oldest out first: at most {@code capacity} answers, each for at
 * most {@code ttl}. Every send is new and a retry comes soon after its first attempt, so the
 * oldest answer is always the one to drop, and dropping it costs a queue poll and a map removal.
 * (A general cache here, Caffeine at its bound, spent more on each send's insert, its frequency
 * sketch and eviction, than the rest of the dedup together.)
 */
final class SendDedup {
  /**
   * (user, client_msg_id) with its hash computed once. Dropping the oldest answer, 100,000 sends
   * after it arrived, then finds its map node by the hash and this very key object, without
   * reading either string again (the map's put and remove are most of the dedup's cost, each a
   * few cache misses on a table of 100,000 answers).
   */
  private static final class Key {
    final String userId;
    final String clientMsgId;
    final int hash;

    Key(String userId, String clientMsgId) {
      this.userId = userId;
      this.clientMsgId = clientMsgId;
      this.hash = 31 * userId.hashCode() + clientMsgId.hashCode();
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o == this
          || o instanceof Key k
              && k.hash == hash
              && k.clientMsgId.equals(clientMsgId)
              && k.userId.equals(userId);
    }
  }

  /** One kept answer and when its send arrived. */
  private record Entry(Key key, CompletableFuture<Frame> answer, long arrivedNanos) {}

  private final ConcurrentHashMap<Key, Entry> answers = new ConcurrentHashMap<>();
  /** Every entry taken in, oldest first; removed ones stay until their turn. Guarded by itself. */
  private final ArrayDeque<Entry> arrivals = new ArrayDeque<>();
  private final long capacity;
  private final long ttlNanos;
  private final LongSupplier nanoTime;
  private volatile RouterEvents events = RouterEvents.NONE;

  /**
   * @param capacity most answers kept
   * @param ttl how long an answer is kept
   * @param nanoTime the clock the ttl is measured on ({@code System::nanoTime})
   */
  SendDedup(long capacity, Duration ttl, LongSupplier nanoTime) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
    this.ttlNanos = ttl.toNanos();
    this.nanoTime = nanoTime;
  }

  void events(RouterEvents e) {
    this.events = e;
  }

  /** The answer of the first call for this key; {@code attempt} runs only for the first. */
  CompletionStage<Frame> once(
      String userId, String clientMsgId, Supplier<CompletionStage<Frame>> attempt) {
    Key key = new Key(userId, clientMsgId);
    long now = nanoTime.getAsLong();
    Entry mine = new Entry(key, new CompletableFuture<>(), now);
    Entry first;
    while ((first = answers.putIfAbsent(key, mine)) != null) {
      if (now - first.arrivedNanos() < ttlNanos) {
        events.dedupHit();
        return first.answer().minimalCompletionStage();
      }
      if (answers.replace(key, first, mine)) {
        break; // past the window: a new send
      }
    }
    admit(mine);
    CompletableFuture<Frame> answer = mine.answer();
    attempt
        .get()
        .whenComplete(
            (frame, err) -> {
              if (err != null || frame.getKindCase() != Frame.KindCase.SEND_ACK) {
                answers.remove(key, mine);
              }
              if (err != null) {
                answer.completeExceptionally(err);
              } else {
                answer.complete(frame);
              }
            });
    return answer;
  }

  /** Answers kept now (for tests of the bound). */
  int size() {
    return answers.size();
  }

  /** Queues {@code entry} and drops the oldest while over capacity or past the ttl. */
  private void admit(Entry entry) {
    synchronized (arrivals) {
      arrivals.addLast(entry);
      Entry oldest;
      while ((oldest = arrivals.peekFirst()) != null
          && (arrivals.size() > capacity || entry.arrivedNanos() - oldest.arrivedNanos() >= ttlNanos)) {
        arrivals.pollFirst();
        answers.remove(oldest.key(), oldest); // false if it failed or was replaced meanwhile
      }
    }
  }
}

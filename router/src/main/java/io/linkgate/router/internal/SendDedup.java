package io.linkgate.router.internal;

import io.linkgate.api.proto.Frame;
import io.linkgate.router.RouterEvents;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 * oldest answer is always the one to drop. (A general cache here, Caffeine at its bound, spent more
 * on each send's insert, its frequency sketch and eviction, than the rest of the dedup together.)
 *
 * <p>The window is split by key hash into up to {@value #MAX_STRIPES} stripes, each a plain map and
 * arrival queue under its own lock, each holding its share of the capacity. One concurrent map of
 * 100,000 answers cost most of the dedup in its insert (a contended size counter, a bin lock, and
 * growing the table) besides a global lock for the arrival queue; a stripe is one uncontended lock
 * around a map a sixteenth the size. Keys spread evenly, so a stripe's oldest answer is about the
 * window's oldest: an answer is kept for about the latest {@code capacity} sends, never fewer than
 * its stripe's share. A small capacity is one stripe, exactly oldest out first.
 */
final class SendDedup {
  static final int MAX_STRIPES = 16;
  /** Below this many answers a stripe, fewer stripes: the window stays close to oldest-out-first. */
  static final long MIN_STRIPE_CAPACITY = 1024;

  /**
   * (user, client_msg_id) with its hash computed once. Dropping the oldest answer, 100,000 sends
   * after it arrived, then finds its map entry by the hash and this very key object, without
   * reading either string again.
   */
  private static final class Key {
    final String userId;
    final String clientMsgId;
    final int hash;

    Key(String userId, String clientMsgId) {
      this.userId = userId;
      this.clientMsgId = clientMsgId;
      int h = 31 * userId.hashCode() + clientMsgId.hashCode();
      this.hash = h ^ (h >>> 16);
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

  /** One kept answer and when its send arrived; equal only to itself. */
  private static final class Entry {
    final Key key;
    final CompletableFuture<Frame> answer = new CompletableFuture<>();
    final long arrivedNanos;

    Entry(Key key, long arrivedNanos) {
      this.key = key;
      this.arrivedNanos = arrivedNanos;
    }
  }

  /** A share of the window. All of it guarded by the stripe itself. */
  private static final class Stripe {
    final HashMap<Key, Entry> answers = new HashMap<>();
    /** Every entry taken in, oldest first; removed ones stay until their turn. */
    final ArrayDeque<Entry> arrivals = new ArrayDeque<>();
    final long capacity;

    Stripe(long capacity) {
      this.capacity = capacity;
    }
  }

  private final Stripe[] stripes;
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
    int n = Integer.highestOneBit((int) Math.max(1, Math.min(MAX_STRIPES, capacity / MIN_STRIPE_CAPACITY)));
    this.stripes = new Stripe[n];
    for (int i = 0; i < n; i++) {
      stripes[i] = new Stripe(capacity / n + (i < capacity % n ? 1 : 0));
    }
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
    Stripe stripe = stripes[key.hash & (stripes.length - 1)];
    Entry first;
    Entry mine;
    synchronized (stripe) {
      long now = nanoTime.getAsLong();
      first = stripe.answers.get(key);
      if (first != null && now - first.arrivedNanos < ttlNanos) {
        mine = null;
      } else {
        first = null; // none, or past the window: a new send
        mine = new Entry(key, now);
        stripe.answers.put(key, mine);
        admit(stripe, mine);
      }
    }
    if (first != null) {
      events.dedupHit();
      return first.answer.minimalCompletionStage();
    }
    CompletableFuture<Frame> answer = mine.answer;
    attempt
        .get()
        .whenComplete(
            (frame, err) -> {
              if (err != null || frame.getKindCase() != Frame.KindCase.SEND_ACK) {
                synchronized (stripe) {
                  stripe.answers.remove(key, mine);
                }
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
    int n = 0;
    for (Stripe s : stripes) {
      synchronized (s) {
        n += s.answers.size();
      }
    }
    return n;
  }

  /** Queues {@code entry} and drops the stripe's oldest while over its share or past the ttl. */
  private void admit(Stripe stripe, Entry entry) {
    ArrayDeque<Entry> arrivals = stripe.arrivals;
    arrivals.addLast(entry);
    Entry oldest;
    while ((oldest = arrivals.peekFirst()) != null
        && (arrivals.size() > stripe.capacity || entry.arrivedNanos - oldest.arrivedNanos >= ttlNanos)) {
      arrivals.pollFirst();
      stripe.answers.remove(oldest.key, oldest); // false if it failed or was replaced meanwhile
    }
  }
}

package io.linkgate.router.internal;

import io.linkgate.api.proto.Frame;
import io.linkgate.router.RouterEvents;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes {@code Send} idempotent by (user, client_msg_id): the first attempt's answer is kept, so a
 * retry gets it instead of delivering again, and a retry that arrives while the first is still in
 * flight waits for it. Only successful answers ({@code SendAck}) are kept, so a send that failed may
 * be retried for real.
 *
 * <p>A window of the latest sends, oldest out first: at most {@code capacity} answers, each for at
 * most {@code ttl}. Every send is new and a retry comes soon after its first attempt, so the
 * oldest answer is always the one to drop. (A general cache here, Caffeine at its bound, spent more
 * on each send's insert, its frequency sketch and eviction, than the rest of the dedup together.)
 *
 * <p>The window is split by key hash into up to {@value #MAX_STRIPES} stripes, each an {@link
 * AnswerRing} under its own lock, each holding its share of the capacity. One concurrent map of
 * 100,000 answers cost most of the dedup in its insert (a contended size counter, a bin lock, and
 * growing the table) besides a global lock for the arrival queue; a stripe is one uncontended lock
 * around a ring a sixteenth the size. Keys spread evenly, so a stripe's oldest answer is about the
 * window's oldest: an answer is kept for about the latest {@code capacity} sends, never fewer than
 * its stripe's share. A small capacity is one stripe, exactly oldest out first.
 *
 * <p>So a full window reaches back the capacity's worth of sends, which at a high enough send rate
 * is less than the ttl, and a retry from before that is handled as a new send. Nothing else tells,
 * so {@link #reach} says how far back the window reaches (for the node's metrics), and a window
 * that drops sends younger than the client's retries is logged.
 *
 * <p>A kept answer is a ring slot of a few numbers (the key's {@link KeyFingerprint}, not its
 * strings): 72 bytes a kept answer with its index, all told (measured 2026-12-08); with the
 * key's strings kept instead it was 101 besides the strings themselves, and a map entry, key, queue
 * slot, future and ack frame for each took about 280 ({@code SendDedupFootprint} in the tests
 * measures it). Only an attempt in flight has a future, for its retries to wait on.
 */
final class SendDedup {
  private static final Logger log = LoggerFactory.getLogger(SendDedup.class);
  static final int MAX_STRIPES = 16;
  /**
   * A window that reaches back less than this is logged: the client SDK retries a send for up to
   * its default send timeout of 30 s, so past that a retry of its own may be delivered again.
   */
  static final long SHORT_REACH_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** At most one warning about a short window in this long. */
  static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
  /** Below this many answers a stripe, fewer stripes: the window stays close to oldest-out-first. */
  static final long MIN_STRIPE_CAPACITY = 1024;

  private final AnswerRing[] stripes;
  private final KeyFingerprint fingerprint;
  private final LongSupplier nanoTime;
  private final long capacity;
  private final Duration ttl;
  private volatile RouterEvents events = RouterEvents.NONE;
  /**
   * When a short window may next be logged. A window that short drops a young send at almost every
   * send, so the check is one read, not a lock all stripes would share.
   */
  private final AtomicLong nextWarnNanos;

  /**
   * @param capacity most answers kept
   * @param ttl how long an answer is kept
   * @param nanoTime the clock the ttl is measured on ({@code System::nanoTime})
   * @param msgIds where the business handler's msg ids come from: an ack with one of these is kept
   *     as the id's number
   */
  SendDedup(long capacity, Duration ttl, LongSupplier nanoTime, Ids msgIds) {
    this(capacity, ttl, nanoTime, msgIds, KeyFingerprint.random());
  }

  SendDedup(long capacity, Duration ttl, LongSupplier nanoTime, Ids msgIds, KeyFingerprint fingerprint) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    int n = Integer.highestOneBit((int) Math.max(1, Math.min(MAX_STRIPES, capacity / MIN_STRIPE_CAPACITY)));
    this.stripes = new AnswerRing[n];
    this.fingerprint = fingerprint;
    for (int i = 0; i < n; i++) {
      stripes[i] =
          new AnswerRing(capacity / n + (i < capacity % n ? 1 : 0), ttl.toNanos(), msgIds, fingerprint);
    }
    this.nanoTime = nanoTime;
    this.capacity = capacity;
    this.ttl = ttl;
    this.nextWarnNanos = new AtomicLong(nanoTime.getAsLong());
  }

  void events(RouterEvents e) {
    this.events = e;
  }

  /** The answer of the first call for this key; {@code attempt} runs only for the first. */
  CompletionStage<Frame> once(
      String userId, String clientMsgId, Supplier<CompletionStage<Frame>> attempt) {
    CompletableFuture<Frame> mine = new CompletableFuture<>();
    CompletionStage<Frame> earlier = claim(userId, clientMsgId, mine);
    if (earlier != null) {
      return earlier;
    }
    CompletionStage<Frame> attempted;
    try {
      attempted = attempt.get();
    } catch (RuntimeException e) {
      // As a failed attempt: else the slot stayed in flight and a retry waited on it for good.
      attempted = CompletableFuture.failedFuture(e);
    }
    if (Stages.succeeded(attempted)) {
      // Answered already: settled here, without a stage to do it. Retries that came meanwhile
      // wait on mine, so it is completed all the same.
      settle(userId, clientMsgId, mine, Stages.value(attempted), null);
    } else {
      attempted.whenComplete((frame, err) -> settle(userId, clientMsgId, mine, frame, err));
    }
    return mine;
  }

  /**
   * Claims the key for a new attempt whose answer will complete {@code mine}: returns the earlier
   * attempt's answer if the window has one (in flight or acked), else null, and then the key is
   * in flight on {@code mine} until {@link #settle}, so that its retries wait on it. For callers
   * that claim several sends before running any ({@link Sends#handleAll}).
   */
  CompletionStage<Frame> claim(String userId, String clientMsgId, CompletableFuture<Frame> mine) {
    int hash = keyHash(userId, clientMsgId);
    AnswerRing stripe = stripes[hash & (stripes.length - 1)];
    long[] key = new long[2]; // made outside the lock: a pass over the strings
    fingerprint.of(userId, clientMsgId, key);
    CompletionStage<Frame> earlier;
    long now;
    long droppedAge = -1;
    synchronized (stripe) {
      now = nanoTime.getAsLong();
      earlier = stripe.answer(hash, key[0], key[1], clientMsgId, now);
      if (earlier == null) { // none, or past the window: a new send
        droppedAge = stripe.add(hash, key[0], key[1], now, mine);
      }
    }
    if (earlier != null) {
      events.dedupHit();
    }
    if (droppedAge >= 0 && droppedAge < SHORT_REACH_NANOS) {
      shortReach(droppedAge, now);
    }
    return earlier;
  }

  /**
   * The window, full, just dropped a send {@code age} old: says so at most once a minute. Sends
   * arrive faster than the capacity holds for the client's retries, and nothing else would tell:
   * a retry that comes later than the window reaches is delivered again, without an error.
   */
  private void shortReach(long age, long now) {
    long next = nextWarnNanos.get();
    if (now - next < 0 || !nextWarnNanos.compareAndSet(next, now + WARN_EVERY_NANOS)) {
      return;
    }
    log.warn(
        "the send dedup window is full and reaches back only {} ms ({} answers), less than the"
            + " {} s within which clients retry a send by default (the dedup ttl is {} ms): a"
            + " send retried later than the window reaches is delivered again. Raise the dedup"
            + " capacity (router.dedup-capacity) to the peak sends per second times how long"
            + " clients retry, with a margin: about 72 bytes of heap an answer.",
        TimeUnit.NANOSECONDS.toMillis(age),
        capacity,
        TimeUnit.NANOSECONDS.toSeconds(SHORT_REACH_NANOS),
        ttl.toMillis());
  }

  /** What the window holds and how far back it reaches now (for the node's metrics). */
  Reach reach() {
    long now = nanoTime.getAsLong();
    long answers = 0;
    long earlyDrops = 0;
    long shortDrops = 0;
    long reach = ttl.toNanos();
    for (AnswerRing s : stripes) {
      synchronized (s) {
        answers += s.size();
        earlyDrops += s.earlyDrops();
        shortDrops += s.shortDrops();
        reach = Math.min(reach, s.reachNanos(now));
      }
    }
    return new Reach(answers, earlyDrops, shortDrops, Duration.ofNanos(reach));
  }

  /**
   * @param answers answers kept, in flight or acked
   * @param earlyDrops sends dropped since the start to make room while younger than the ttl: a
   *     retry of any of them would have been taken for a new send
   * @param shortDrops of those, the sends dropped younger than {@link #SHORT_REACH_NANOS}, within
   *     which clients retry by default
   * @param reach how long ago the latest send dropped early arrived (every later one is still
   *     held, or went at its ttl), at most the ttl: in the stripe that reaches back least
   */
  record Reach(long answers, long earlyDrops, long shortDrops, Duration reach) {}

  /**
   * Ends a claimed attempt: keeps its answer if it is a {@code SendAck} (else forgets the key, so a
   * retry is judged afresh), then completes {@code mine} for whoever waits on it.
   */
  void settle(
      String userId, String clientMsgId, CompletableFuture<Frame> mine, Frame frame, Throwable err) {
    int hash = keyHash(userId, clientMsgId);
    AnswerRing stripe = stripes[hash & (stripes.length - 1)];
    synchronized (stripe) {
      stripe.settle(hash, userId, clientMsgId, mine, err == null ? frame : null);
    }
    if (err != null) {
      mine.completeExceptionally(err);
    } else {
      mine.complete(frame);
    }
  }

  /**
   * The key's hash, mixed so that its low bits (which pick the stripe) depend on every bit:
   * client ids are often a prefix and a counter, whose String hashes differ only in their low bits
   * by a digit's range, and without the mixing a few stripes took most keys while the others sat
   * part empty, so the window kept a sixth fewer answers than its capacity.
   */
  static int keyHash(String userId, String clientMsgId) {
    int h = 31 * userId.hashCode() + clientMsgId.hashCode();
    h = (h ^ (h >>> 16)) * 0x85EBCA6B; // murmur3's finalizer
    h = (h ^ (h >>> 13)) * 0xC2B2AE35;
    return h ^ (h >>> 16);
  }

  /** Answers kept now, in flight or acked (for tests of the bound). */
  int size() {
    int n = 0;
    for (AnswerRing s : stripes) {
      synchronized (s) {
        n += s.size();
      }
    }
    return n;
  }
}

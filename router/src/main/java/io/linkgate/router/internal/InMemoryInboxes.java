package io.linkgate.router.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.linkgate.api.EncodedFrame;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Push;
import io.linkgate.router.store.Inboxes;
import io.linkgate.router.store.PendingPush;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Per-user seq counters and inboxes in this JVM.
 *
 * <p>An inbox holds its pushes as encoded frames in a {@link FrameRing} over a store-wide {@link
 * SlabPool}: a push is encoded once, the same bytes go to the transports, and a copy of them is all
 * the inbox keeps, so a held push is no object of its own for the collector to copy. Reads decode
 * the frames back into the exact pushes that were appended.
 *
 * <p>Memory is bounded three times: each inbox keeps at most {@code capacity} pushes (and at most
 * {@link #MAX_BYTES_PER_USER} bytes of them), and a Caffeine cache keeps at most {@code maxUsers}
 * users, dropping those idle for {@code idleTtl} first; a dropped user's blocks go back to the pool
 * at once. A dropped user comes back with a new epoch and seqs restarting at 1; clients resuming
 * against the old epoch see {@code Welcome.epoch} change and {@code resumed=false}, and resync.
 */
final class InMemoryInboxes implements Inboxes {
  /** Far above capacity times any sane frame limit; keeps the ring's int positions safe. */
  static final int MAX_BYTES_PER_USER = 1 << 30;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final int capacity;
  private final SlabPool pool;
  private final Cache<String, UserInbox> users;
  /**
   * The same inboxes, read first on every push. Caffeine's lookup records each read for its expiry
   * and eviction policy (16.5% of the pushing thread's samples in the push benchmark, for a map
   * lookup); a plain map does not, and the cache is told of a user's use once per {@code
   * touchEveryNanos}. An entry leaves with the cache's (its removal listener), or, if it raced
   * with that, when next found released.
   */
  private final ConcurrentHashMap<String, UserInbox> byUser = new ConcurrentHashMap<>();
  private final Ticker ticker;
  private final long touchEveryNanos;
  /** Made once: as a lambda at the call it held this store and was made anew on every push. */
  private final Function<String, UserInbox> newInbox = u -> new UserInbox(newEpoch());

  InMemoryInboxes(int capacity, long maxUsers, Duration idleTtl) {
    this(capacity, maxUsers, idleTtl, Ticker.systemTicker(), new SlabPool());
  }

  InMemoryInboxes(int capacity, long maxUsers, Duration idleTtl, Ticker ticker, SlabPool pool) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("inbox capacity must be positive, got " + capacity);
    }
    this.capacity = capacity;
    this.pool = pool;
    this.ticker = ticker;
    // The cache sees a user's use up to this late, so it keeps them this much past the idle time:
    // a user is dropped between idleTtl and idleTtl + an eighth after their last push or read.
    this.touchEveryNanos = Math.max(1, idleTtl.toNanos() / 8);
    // Maintenance on the caller's thread, as in the router's other caches: the default hands it
    // to the common pool, which costs a thread wake-up on the push path.
    this.users =
        Caffeine.newBuilder()
            .maximumSize(maxUsers)
            .expireAfterAccess(idleTtl.plusNanos(touchEveryNanos))
            .ticker(ticker)
            .executor(Runnable::run)
            .<String, UserInbox>removalListener(
                (user, inbox, cause) -> {
                  if (inbox != null) {
                    inbox.release(); // first: a racing lookup that put it back then sees it released
                    byUser.remove(user, inbox);
                  }
                })
            .build();
  }

  /** Caffeine's estimate: users idle past the TTL count until they are swept. */
  @Override
  public OptionalLong userCount() {
    return OptionalLong.of(users.estimatedSize());
  }

  @Override
  public OptionalInt capacity() {
    return OptionalInt.of(capacity);
  }

  @Override
  public CompletionStage<Appended> append(String userId, Push.Builder push) {
    return append(userId, PendingPush.of(push));
  }

  @Override
  public CompletionStage<Appended> append(String userId, PendingPush push) {
    while (true) {
      UserInbox inbox = inbox(userId);
      synchronized (inbox) {
        if (!inbox.released) {
          return CompletableFuture.completedFuture(inbox.add(push));
        }
      }
      forgetReleased(userId, inbox);
    }
  }

  @Override
  public CompletionStage<List<Appended>> appendAll(String userId, List<Push.Builder> pushes) {
    List<PendingPush> pending = new ArrayList<>(pushes.size());
    for (Push.Builder push : pushes) {
      pending.add(PendingPush.of(push));
    }
    return appendAllPending(userId, pending);
  }

  @Override
  public CompletionStage<List<Appended>> appendAllPending(String userId, List<PendingPush> pending) {
    List<Appended> out = new ArrayList<>(pending.size());
    while (true) {
      UserInbox inbox = inbox(userId);
      synchronized (inbox) {
        if (!inbox.released) {
          for (PendingPush push : pending) {
            out.add(inbox.add(push));
          }
          return CompletableFuture.completedFuture(out);
        }
      }
      forgetReleased(userId, inbox);
    }
  }

  @Override
  public CompletionStage<Slice> readAfter(String userId, long afterSeq) {
    while (true) {
      UserInbox inbox = inbox(userId);
      long last;
      boolean complete;
      byte[][] entries;
      synchronized (inbox) {
        if (inbox.released) {
          forgetReleased(userId, inbox);
          continue;
        }
        last = inbox.lastSeq;
        int held = inbox.ring == null ? 0 : inbox.ring.count();
        long firstHeld = last - held + 1;
        complete = afterSeq <= last && firstHeld <= afterSeq + 1;
        entries =
            afterSeq >= last || held == 0
                ? new byte[0][]
                : inbox.ring.copyFrom((int) Math.max(0, afterSeq + 1 - firstHeld));
      }
      // Decoded outside the lock: a long replay does not hold up this user's pushes.
      List<Push> pushes = new ArrayList<>(entries.length);
      for (byte[] entry : entries) {
        pushes.add(decode(entry));
      }
      return CompletableFuture.completedFuture(new Slice(pushes, last, inbox.epoch, complete));
    }
  }

  /** Test hook: forget a user as if evicted. */
  void evict(String userId) {
    users.invalidate(userId);
  }

  /** Test hook: the pool's blocks held by {@code userId}'s inbox, -1 if it has none. */
  int blocksHeld(String userId) {
    UserInbox inbox = users.getIfPresent(userId);
    if (inbox == null) {
      return -1;
    }
    synchronized (inbox) {
      return inbox.ring == null ? 0 : inbox.ring.blockCount();
    }
  }

  /** Test hook: users in the lookup map, and whether any of their inboxes there is released. */
  String mapState() {
    int released = 0;
    for (UserInbox inbox : byUser.values()) {
      synchronized (inbox) {
        released += inbox.released ? 1 : 0;
      }
    }
    return byUser.size() + " mapped, " + released + " released";
  }

  /** Test hook: runs the cache's pending maintenance (expiry) now. */
  void cleanUp() {
    users.cleanUp();
  }

  private UserInbox inbox(String userId) {
    UserInbox inbox = byUser.get(userId);
    long now = ticker.read();
    if (inbox != null) {
      if (now - inbox.touchedNanos < touchEveryNanos) {
        return inbox;
      }
      inbox.touchedNanos = now;
      if (users.getIfPresent(userId) == inbox) { // the cache's read: the user is in use
        return inbox;
      }
    }
    inbox = users.get(userId, newInbox);
    inbox.touchedNanos = now;
    byUser.put(userId, inbox);
    synchronized (inbox) {
      if (inbox.released) { // evicted meanwhile, its removal maybe before the put
        byUser.remove(userId, inbox);
      }
    }
    return inbox;
  }

  /** A lookup found {@code inbox} released: takes it out of the map, if it is still there. */
  private void forgetReleased(String userId, UserInbox inbox) {
    byUser.remove(userId, inbox);
  }

  private static String newEpoch() {
    return Long.toUnsignedString(RANDOM.nextLong(), 36);
  }

  private static Push decode(byte[] entry) {
    int body = FrameCodec.peekLength(ByteBuffer.wrap(entry), Integer.MAX_VALUE);
    return FrameCodec.parseBody(entry, entry.length - body, body).getPush();
  }

  /** One user's seq space. Guarded by its own monitor. */
  private final class UserInbox {
    final String epoch;
    long lastSeq;
    /** Made on the first push: a user who only connects costs no ring. */
    FrameRing ring;
    /** Set once the cache dropped this inbox and its blocks went back to the pool. */
    boolean released;
    /** When the cache was last told of this user's use ({@link #inbox}); racy writes are harmless. */
    long touchedNanos;

    UserInbox(String epoch) {
      this.epoch = epoch;
    }

    /** Gives the push the next seq and keeps its frame; the push is parsed from it if anyone asks. */
    Appended add(PendingPush push) {
      long seq = ++lastSeq;
      byte[] bytes = push.frame(seq);
      if (ring == null) {
        ring = new FrameRing(pool);
      }
      while (ring.count() > 0
          && (ring.count() >= capacity || ring.bytes() > MAX_BYTES_PER_USER - bytes.length)) {
        ring.dropOldest();
      }
      ring.add(bytes);
      return Appended.ofFrame(seq, epoch, EncodedFrame.ofBytes(bytes, 0));
    }

    synchronized void release() {
      released = true;
      if (ring != null) {
        ring.clear();
        ring = null;
      }
    }
  }
}

package io.linkgate.router.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.linkgate.api.proto.Push;
import io.linkgate.router.store.Inboxes;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Per-user seq counters and inboxes in this JVM.
 *
 * <p>Memory is bounded twice: each inbox keeps at most {@code capacity} pushes, and a Caffeine cache
 * keeps at most {@code maxUsers} users, dropping those idle for {@code idleTtl} first. A dropped user
 * comes back with a new epoch and seqs restarting at 1; clients resuming against the old epoch see
 * {@code Welcome.epoch} change and {@code resumed=false}, and resync.
 */
final class InMemoryInboxes implements Inboxes {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final int capacity;
  private final Cache<String, UserInbox> users;

  InMemoryInboxes(int capacity, long maxUsers, Duration idleTtl) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("inbox capacity must be positive, got " + capacity);
    }
    this.capacity = capacity;
    // Maintenance on the caller's thread, as in the router's other caches: the default hands it
    // to the common pool, which costs a thread wake-up on the push path.
    this.users =
        Caffeine.newBuilder()
            .maximumSize(maxUsers)
            .expireAfterAccess(idleTtl)
            .executor(Runnable::run)
            .build();
  }

  /** Caffeine's estimate: users idle past the TTL count until they are swept. */
  @Override
  public OptionalLong userCount() {
    return OptionalLong.of(users.estimatedSize());
  }

  @Override
  public CompletionStage<Appended> append(String userId, Push.Builder push) {
    UserInbox inbox = inbox(userId);
    Push stored;
    synchronized (inbox) {
      stored = push.setSeq(++inbox.lastSeq).build();
      if (inbox.held.size() == capacity) {
        inbox.held.pollFirst();
      }
      inbox.held.addLast(stored);
    }
    return CompletableFuture.completedFuture(new Appended(stored, inbox.epoch));
  }

  @Override
  public CompletionStage<List<Appended>> appendAll(String userId, List<Push.Builder> pushes) {
    UserInbox inbox = inbox(userId);
    List<Appended> out = new ArrayList<>(pushes.size());
    synchronized (inbox) {
      for (Push.Builder push : pushes) {
        Push stored = push.setSeq(++inbox.lastSeq).build();
        if (inbox.held.size() == capacity) {
          inbox.held.pollFirst();
        }
        inbox.held.addLast(stored);
        out.add(new Appended(stored, inbox.epoch));
      }
    }
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public CompletionStage<Slice> readAfter(String userId, long afterSeq) {
    UserInbox inbox = inbox(userId);
    synchronized (inbox) {
      long last = inbox.lastSeq;
      if (afterSeq > last) {
        return CompletableFuture.completedFuture(new Slice(List.of(), last, inbox.epoch, false));
      }
      List<Push> out = new ArrayList<>((int) Math.min(inbox.held.size(), last - afterSeq));
      long firstHeld = inbox.held.isEmpty() ? last + 1 : inbox.held.peekFirst().getSeq();
      // Walk from the newest end: a resume usually asks for the last few pushes only.
      var it = inbox.held.descendingIterator();
      while (it.hasNext()) {
        Push p = it.next();
        if (p.getSeq() <= afterSeq) {
          break;
        }
        out.add(p);
      }
      Collections.reverse(out);
      boolean complete = firstHeld <= afterSeq + 1;
      return CompletableFuture.completedFuture(new Slice(out, last, inbox.epoch, complete));
    }
  }

  /** Test hook: forget a user as if evicted. */
  void evict(String userId) {
    users.invalidate(userId);
  }

  private UserInbox inbox(String userId) {
    return users.get(userId, u -> new UserInbox(newEpoch()));
  }

  private static String newEpoch() {
    return Long.toUnsignedString(RANDOM.nextLong(), 36);
  }

  private static final class UserInbox {
    final String epoch;
    long lastSeq;
    final ArrayDeque<Push> held = new ArrayDeque<>(4);

    UserInbox(String epoch) {
      this.epoch = epoch;
    }
  }
}

package io.linkgate.router.internal.redis;

import com.google.protobuf.InvalidProtocolBufferException;
import io.lettuce.core.ScriptOutputType;
import io.linkgate.api.proto.Push;
import io.linkgate.router.store.Inboxes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Seq spaces and inboxes in Redis: a hash (epoch, last seq) and a list of encoded pushes per user,
 * both expiring after the idle time. One script call assigns the seqs, appends, trims and forwards
 * to the other nodes holding the user's devices: one round trip per push, or per burst, and under
 * load one for the pushes of many users ({@link AppendBatcher}).
 */
final class RedisInboxes implements Inboxes {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Pushes per user per script call; Lua's unpack takes a few thousand arguments at most. */
  static final int MAX_BATCH = 500;

  private static final RedisScript APPEND = RedisScript.named("append");
  private static final RedisScript READ = RedisScript.named("read");

  private final RedisContext redis;
  private final AppendBatcher batcher;
  /**
   * Epoch candidates: a random prefix drawn once per store, then a counter. Only a user's first
   * append (or the first after Redis lost its keys) uses one, but every call offers one, so it must
   * be cheap; unique across nodes and restarts, it can never bring a lost seq space back.
   */
  private final String epochPrefix = Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36) + ".";
  private final java.util.concurrent.atomic.AtomicLong epochs = new java.util.concurrent.atomic.AtomicLong();
  private final byte[] capacityArg;
  private final byte[] ttlArg;
  private final byte[] channelPrefixArg;
  private volatile byte[] nodeArg;

  /** @param sender the single thread that sends the append script calls */
  RedisInboxes(RedisContext redis, java.util.concurrent.Executor sender) {
    this.redis = redis;
    this.batcher = new AppendBatcher(this::call, sender);
    this.capacityArg = Redis.decimal(redis.options().inboxCapacity());
    this.ttlArg = Redis.decimal(redis.options().inboxIdleTtl().toMillis());
    this.channelPrefixArg = Redis.utf8(redis.keys().nodeChannelPrefix());
  }

  @Override
  public OptionalInt capacity() {
    return OptionalInt.of(redis.options().inboxCapacity());
  }

  @Override
  public CompletionStage<Appended> append(String userId, Push.Builder push) {
    return appendAll(userId, List.of(push)).thenApply(all -> all.get(0));
  }

  @Override
  public CompletionStage<List<Appended>> appendAll(String userId, List<Push.Builder> pushes) {
    byte[] user = Redis.lengthPrefixed(Redis.utf8(userId));
    // Encoded here, on the caller's thread, without their seq: the script appends the seq field.
    List<AppendBatcher.Pending> parts = new ArrayList<>();
    List<CompletableFuture<List<Appended>>> results = new ArrayList<>();
    for (int from = 0; from < pushes.size(); from += MAX_BATCH) {
      List<Push.Builder> part = pushes.subList(from, Math.min(pushes.size(), from + MAX_BATCH));
      byte[][] entries = new byte[part.size()][];
      for (int i = 0; i < entries.length; i++) {
        entries[i] = part.get(i).clearSeq().build().toByteArray();
      }
      CompletableFuture<AppendBatcher.Stored> stored = new CompletableFuture<>();
      parts.add(new AppendBatcher.Pending(userId, noticeBody(user, entries), entries, stored));
      results.add(
          Redis.unavailableOnFailure(stored, "could not store the push")
              .thenApply(s -> appended(part, s))
              .toCompletableFuture());
    }
    // Queued together, so the parts of a long burst take consecutive seqs.
    batcher.submit(parts);
    if (results.size() == 1) {
      return results.get(0);
    }
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              List<Appended> all = new ArrayList<>(pushes.size());
              results.forEach(r -> all.addAll(r.join()));
              return all;
            });
  }

  /** The user and the pushes as notice fields: what the script sends the other nodes. */
  private static byte[] noticeBody(byte[] user, byte[][] entries) {
    int size = user.length;
    for (byte[] e : entries) {
      size += Redis.prefixedSize(e.length);
    }
    byte[] out = new byte[size];
    System.arraycopy(user, 0, out, 0, user.length);
    int at = user.length;
    for (byte[] e : entries) {
      at = Redis.putLengthPrefixed(out, at, e);
    }
    return out;
  }

  private static List<Appended> appended(List<Push.Builder> part, AppendBatcher.Stored stored) {
    List<Appended> out = new ArrayList<>(part.size());
    for (int i = 0; i < part.size(); i++) {
      out.add(new Appended(part.get(i).setSeq(stored.firstSeq() + i).build(), stored.epoch()));
    }
    return out;
  }

  /** One script call for the appends of several users: see {@code append.lua}. */
  private CompletionStage<List<AppendBatcher.Stored>> call(List<AppendBatcher.Pending> batch) {
    RedisKeys keys = redis.keys();
    int argc = 6;
    for (AppendBatcher.Pending p : batch) {
      argc += 2 + p.entries().length;
    }
    byte[][] k = new byte[3 * batch.size()][];
    byte[][] args = new byte[argc][];
    args[0] = Redis.utf8(newEpoch());
    args[1] = capacityArg;
    args[2] = ttlArg;
    args[3] = node();
    args[4] = channelPrefixArg;
    args[5] = Redis.decimal(System.currentTimeMillis());
    int a = 6;
    for (int g = 0; g < batch.size(); g++) {
      AppendBatcher.Pending p = batch.get(g);
      k[3 * g] = keys.seq(p.userId());
      k[3 * g + 1] = keys.inbox(p.userId());
      k[3 * g + 2] = keys.sessions(p.userId());
      args[a++] = Redis.decimal(p.entries().length);
      args[a++] = p.noticeBody();
      for (byte[] e : p.entries()) {
        args[a++] = e;
      }
    }
    CompletionStage<List<Object>> reply = APPEND.run(redis.commands(), ScriptOutputType.MULTI, k, args);
    return reply.thenApply(
        r -> {
          List<AppendBatcher.Stored> out = new ArrayList<>(batch.size());
          for (int g = 0; g < batch.size(); g++) {
            out.add(new AppendBatcher.Stored(Redis.utf8((byte[]) r.get(2 * g)), (Long) r.get(2 * g + 1)));
          }
          return out;
        });
  }

  @Override
  public CompletionStage<Slice> readAfter(String userId, long afterSeq) {
    RedisKeys keys = redis.keys();
    byte[][] k = {keys.seq(userId), keys.inbox(userId)};
    // A uint64 past Long.MAX_VALUE arrives negative: it is beyond any seq.
    long after = afterSeq < 0 ? Long.MAX_VALUE : afterSeq;
    CompletionStage<List<Object>> reply =
        READ.run(
            redis.commands(),
            ScriptOutputType.MULTI,
            k,
            Redis.utf8(newEpoch()),
            Redis.decimal(after),
            ttlArg,
            capacityArg);
    return Redis.unavailableOnFailure(reply, "could not read the inbox")
        .thenApply(r -> slice(after, r));
  }

  @SuppressWarnings("unchecked")
  private static Slice slice(long after, List<Object> r) {
    String epoch = Redis.utf8((byte[]) r.get(0));
    long last = (Long) r.get(1);
    long held = (Long) r.get(2);
    List<Object> entries = (List<Object>) r.get(3);
    List<Push> pushes = new ArrayList<>(entries.size());
    // The entries are the tail of the list, whose seqs are consecutive and end at the last seq.
    long seq = last - entries.size() + 1;
    for (Object e : entries) {
      byte[] entry = (byte[]) e;
      pushes.add(withSeq(entry, 0, entry.length, seq++));
    }
    if (after > last) {
      return new Slice(List.of(), last, epoch, false);
    }
    long firstHeld = last - held + 1;
    return new Slice(pushes, last, epoch, firstHeld <= after + 1);
  }

  /**
   * An inbox entry or notice push (encoded without its seq; entries stored by older versions carry
   * it, the same value) with its seq set.
   */
  static Push withSeq(byte[] data, int offset, int length, long seq) {
    try {
      return Push.newBuilder().mergeFrom(data, offset, length).setSeq(seq).build();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("an inbox entry in Redis is not a push", e);
    }
  }

  private String newEpoch() {
    return epochPrefix + Long.toString(epochs.incrementAndGet(), 36);
  }

  private byte[] node() {
    byte[] n = nodeArg;
    if (n == null) {
      n = Redis.utf8(redis.nodeId());
      nodeArg = n;
    }
    return n;
  }
}

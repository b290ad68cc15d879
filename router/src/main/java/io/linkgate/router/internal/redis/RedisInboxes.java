package io.linkgate.router.internal.redis;

import com.google.protobuf.InvalidProtocolBufferException;
import io.lettuce.core.ScriptOutputType;
import io.linkgate.api.proto.Push;
import io.linkgate.router.store.Inboxes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Seq spaces and inboxes in Redis: a hash (epoch, last seq) and a list of encoded pushes per user,
 * both expiring after the idle time. One script call assigns the seqs, appends, trims and forwards
 * to the other nodes holding the user's devices: one round trip per push, or per burst.
 */
final class RedisInboxes implements Inboxes {
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Pushes per script call; Lua's unpack takes a few thousand arguments at most. */
  static final int MAX_BATCH = 500;

  private static final RedisScript APPEND = RedisScript.named("append");
  private static final RedisScript READ = RedisScript.named("read");

  private final RedisContext redis;
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

  RedisInboxes(RedisContext redis) {
    this.redis = redis;
    this.capacityArg = Redis.decimal(redis.options().inboxCapacity());
    this.ttlArg = Redis.decimal(redis.options().inboxIdleTtl().toMillis());
    this.channelPrefixArg = Redis.utf8(redis.keys().nodeChannelPrefix());
  }

  @Override
  public CompletionStage<Appended> append(String userId, Push.Builder push) {
    return appendAll(userId, List.of(push)).thenApply(all -> all.get(0));
  }

  @Override
  public CompletionStage<List<Appended>> appendAll(String userId, List<Push.Builder> pushes) {
    if (pushes.size() <= MAX_BATCH) {
      return appendBatch(userId, pushes);
    }
    // Batches one after the other, so the seqs stay consecutive in list order.
    CompletionStage<List<Appended>> chain = CompletableFuture.completedFuture(new ArrayList<>());
    for (int from = 0; from < pushes.size(); from += MAX_BATCH) {
      List<Push.Builder> batch = pushes.subList(from, Math.min(pushes.size(), from + MAX_BATCH));
      chain =
          chain.thenCompose(
              done ->
                  appendBatch(userId, batch)
                      .thenApply(
                          more -> {
                            done.addAll(more);
                            return done;
                          }));
    }
    return chain;
  }

  private CompletionStage<List<Appended>> appendBatch(String userId, List<Push.Builder> pushes) {
    RedisKeys keys = redis.keys();
    byte[][] args = new byte[6 + pushes.size()][];
    args[0] = Redis.utf8(newEpoch());
    args[1] = capacityArg;
    args[2] = ttlArg;
    args[3] = node();
    args[4] = channelPrefixArg;
    args[5] = Redis.lengthPrefixed(Redis.utf8(userId));
    for (int i = 0; i < pushes.size(); i++) {
      // Without its seq: the script appends the seq field once it has assigned it.
      args[6 + i] = pushes.get(i).clearSeq().build().toByteArray();
    }
    byte[][] k = {keys.seq(userId), keys.inbox(userId), keys.sessions(userId)};
    CompletionStage<List<Object>> reply = APPEND.run(redis.commands(), ScriptOutputType.MULTI, k, args);
    return Redis.unavailableOnFailure(reply, "could not store the push")
        .thenApply(
            r -> {
              String epoch = Redis.utf8((byte[]) r.get(0));
              long first = (Long) r.get(1);
              List<Appended> out = new ArrayList<>(pushes.size());
              for (int i = 0; i < pushes.size(); i++) {
                out.add(new Appended(pushes.get(i).setSeq(first + i).build(), epoch));
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
            ttlArg);
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
    for (Object e : entries) {
      pushes.add(parse((byte[]) e));
    }
    if (after > last) {
      return new Slice(List.of(), last, epoch, false);
    }
    long firstHeld = last - held + 1;
    return new Slice(pushes, last, epoch, firstHeld <= after + 1);
  }

  static Push parse(byte[] entry) {
    try {
      return Push.parseFrom(entry);
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

package io.linkgate.router.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.linkgate.api.proto.Frame;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Makes {@code Send} idempotent by (user, client_msg_id): the first attempt's answer is kept, as a
 * future, so a retry that arrives while the first is still in flight waits for it instead of
 * delivering again. Bounded by entries and by age; only successful answers ({@code SendAck}) are
 * kept, so a send that failed may be retried for real.
 */
final class SendDedup {
  private record Key(String userId, String clientMsgId) {}

  private final Cache<Key, CompletableFuture<Frame>> answers;
  private volatile io.linkgate.router.RouterEvents events = io.linkgate.router.RouterEvents.NONE;

  void events(io.linkgate.router.RouterEvents e) {
    this.events = e;
  }

  SendDedup(long capacity, Duration ttl) {
    this.answers =
        Caffeine.newBuilder().maximumSize(capacity).expireAfterWrite(ttl).executor(Runnable::run).build();
  }

  /** The answer of the first call for this key; {@code attempt} runs only for the first. */
  CompletionStage<Frame> once(
      String userId, String clientMsgId, Supplier<CompletionStage<Frame>> attempt) {
    Key key = new Key(userId, clientMsgId);
    CompletableFuture<Frame> mine = new CompletableFuture<>();
    CompletableFuture<Frame> first = answers.asMap().putIfAbsent(key, mine);
    if (first != null) {
      events.dedupHit();
      return first.minimalCompletionStage();
    }
    attempt
        .get()
        .whenComplete(
            (frame, err) -> {
              if (err != null || frame.getKindCase() != Frame.KindCase.SEND_ACK) {
                answers.asMap().remove(key, mine);
              }
              if (err != null) {
                mine.completeExceptionally(err);
              } else {
                mine.complete(frame);
              }
            });
    return mine;
  }
}

package io.linkgate.router.internal.redis;

import com.google.protobuf.InvalidProtocolBufferException;
import io.lettuce.core.SetArgs;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.router.store.SendAnswers;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Send answers in Redis: {@code SET NX} with a short TTL claims a send (an empty value marks it in
 * progress), the {@code SendAck} replaces the claim for the dedup window. A retry that finds a claim
 * in progress polls a few times, then is told to retry: never a second delivery.
 */
final class RedisSendAnswers implements SendAnswers {
  private static final byte[] IN_PROGRESS = new byte[0];
  private static final int POLLS = 20;
  private static final long POLL_MS = 50;

  private final RedisContext redis;

  RedisSendAnswers(RedisContext redis) {
    this.redis = redis;
  }

  @Override
  public CompletionStage<Optional<Frame>> claim(String userId, String clientMsgId) {
    return Redis.unavailableOnFailure(attempt(redis.keys().sendAnswer(userId, clientMsgId), 0), "could not check for a resend");
  }

  private CompletionStage<Optional<Frame>> attempt(byte[] key, int polls) {
    long claimMs = redis.options().sendClaimTtl().toMillis();
    var commands = redis.commands();
    return commands
        .set(key, IN_PROGRESS, SetArgs.Builder.nx().px(claimMs))
        .thenCompose(
            ok -> {
              if ("OK".equals(ok)) {
                return CompletableFuture.completedFuture(Optional.<Frame>empty());
              }
              return commands
                  .get(key)
                  .thenCompose(
                      value -> {
                        if (value == null) {
                          return attempt(key, polls); // the claim just expired or was dropped
                        }
                        if (value.length > 0) {
                          return CompletableFuture.completedFuture(Optional.of(frame(value)));
                        }
                        if (polls >= POLLS) {
                          return CompletableFuture.failedFuture(
                              new GatewayException(
                                  ErrorCode.UNAVAILABLE,
                                  "this send is still being handled by another node; retry"));
                        }
                        return CompletableFuture.supplyAsync(
                                () -> null, CompletableFuture.delayedExecutor(POLL_MS, TimeUnit.MILLISECONDS))
                            .thenCompose(x -> attempt(key, polls + 1));
                      });
            });
  }

  @Override
  public CompletionStage<Void> remember(String userId, String clientMsgId, Frame answer, Duration ttl) {
    return Redis.unavailableOnFailure(
            redis
                .commands()
                .set(redis.keys().sendAnswer(userId, clientMsgId), answer.toByteArray(), SetArgs.Builder.px(ttl.toMillis())),
            "could not keep the answer")
        .thenApply(ok -> null);
  }

  @Override
  public CompletionStage<Void> forget(String userId, String clientMsgId) {
    return Redis.unavailableOnFailure(redis.commands().del(redis.keys().sendAnswer(userId, clientMsgId)), "could not drop the claim")
        .thenApply(n -> null);
  }

  private static Frame frame(byte[] value) {
    try {
      return Frame.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new GatewayException(ErrorCode.INTERNAL, "a stored send answer is not a frame");
    }
  }
}

package io.linkgate.examples.business;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Remembers, in Redis, which pushes of which send were made, so that a send is delivered once even
 * when the stream hands it out again.
 *
 * <p>Why it is needed: a consumer group delivers at least once. An entry whose ack was lost (Redis
 * blinked, the service died between pushing and acking) is handed out again, and a gateway whose
 * {@code XADD} timed out after storing may store the client's retry as a second entry. The router
 * gives every push a new seq, so a client would show such a repeat twice: its duplicate check is by
 * seq.
 *
 * <p>How: one hash per send, keyed by what identifies a send for good, the sender and its {@code
 * client_msg_id} (a retried send keeps it; its {@code msg_id} may differ), with one field per push
 * the service makes for it ({@code to}, {@code copy}, {@code reply}, ...). A push is claimed before
 * it is made and marked done after; one script does the claim so two entries of one send never both
 * push. What is left: the service dying after a push was stored and before it was marked done
 * repeats that push once; nothing is lost.
 *
 * <p>Memory: each hash expires {@code keep} after its last change; Redis holds about sends per
 * second times {@code keep} small hashes. {@code keep} should cover the longest outage the stream is
 * sized to ride out, since entries read before it are handed out again after it.
 */
final class DeliveryLedger implements AutoCloseable {
  /** Claims {@code field} for entry ARGV[2] unless done, or claimed by another entry still in time. */
  private static final String CLAIM =
      """
      local v = redis.call('HGET', KEYS[1], ARGV[1])
      if v == 'd' then return 0 end
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      if v then
        local owner, untilMs = string.match(v, '^p:(.*):(%d+)$')
        if owner and owner ~= ARGV[2] and tonumber(untilMs) > now then return -1 end
      end
      redis.call('HSET', KEYS[1], ARGV[1], 'p:' .. ARGV[2] .. ':' .. (now + tonumber(ARGV[3])))
      redis.call('PEXPIRE', KEYS[1], ARGV[4])
      return 1
      """;

  private static final String DONE =
      """
      redis.call('HSET', KEYS[1], ARGV[1], 'd')
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      return 1
      """;

  /** A push another entry of the same send is making now: try this entry again later. */
  static final class Busy extends RuntimeException {
    Busy(String what) {
      super(what + " is being made for another stream entry of the same send; retried later", null, false, false);
    }
  }

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisAsyncCommands<String, String> redis;
  /** Before every key: the cluster's key prefix and the group, so two services keep apart. */
  private final String namespace;
  private final Duration claimFor;
  private final Duration keep;

  /**
   * @param namespace before every key (the gateways' key prefix, then the consumer group); no braces
   * @param claimFor how long a claim of an entry that never finished blocks another entry of the same
   *     send (the first one's own retry is never blocked)
   */
  DeliveryLedger(String uri, String namespace, Duration claimFor, Duration keep) {
    this.namespace = namespace;
    this.claimFor = claimFor;
    this.keep = keep;
    RedisURI redisUri = RedisURI.create(uri);
    redisUri.setTimeout(Duration.ofSeconds(2));
    this.client = RedisClient.create(redisUri);
    // Fail at once while Redis is away instead of queueing without bound: the entry is retried.
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2)))
            .build());
    try {
      this.connection = client.connect();
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw e;
    }
    this.redis = connection.async();
  }

  /**
   * Makes push {@code step} of the send {@code (from, clientMsgId)} unless it was made already.
   *
   * @param entryId the stream entry asking: its own retries may take over its claim at once
   * @return true when {@code push} ran and succeeded, false when it had been made before; failed
   *     with {@link Busy} when another entry of the send is making it now, or as {@code push} failed
   */
  CompletionStage<Boolean> once(
      String from, String clientMsgId, String step, String entryId, Supplier<? extends CompletionStage<?>> push) {
    String key = key(from, clientMsgId);
    return eval(CLAIM, key, step, entryId, Long.toString(claimFor.toMillis()), Long.toString(keep.toMillis()))
        .thenCompose(
            claimed -> {
              if (claimed == 0) {
                return CompletableFuture.completedFuture(false);
              }
              if (claimed < 0) {
                return CompletableFuture.failedFuture(new Busy("push '" + step + "' of " + from + "/" + clientMsgId));
              }
              return push.get().thenCompose(x -> eval(DONE, key, step, Long.toString(keep.toMillis()))).thenApply(x -> true);
            });
  }

  /** One hash per send; the hash tag keeps it in the sender's slot, beside the sender's own keys. */
  String key(String from, String clientMsgId) {
    return namespace + "{u:" + from + "}:" + clientMsgId;
  }

  private CompletionStage<Long> eval(String script, String key, String... args) {
    try {
      return redis.<Long>eval(script, ScriptOutputType.INTEGER, new String[] {key}, args);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}

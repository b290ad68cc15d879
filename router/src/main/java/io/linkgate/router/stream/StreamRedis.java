package io.linkgate.router.stream;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** What the stream handler and the consumer share about talking to Redis. */
final class StreamRedis {
  /** Names (keys, fields, groups) as UTF-8 text; values as bytes, since the payload is binary. */
  static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  static final String DEFAULT_STREAM = "lg:uplink";

  private StreamRedis() {}

  static String checkUri(String uri) {
    Objects.requireNonNull(uri, "uri");
    if (!uri.startsWith("redis://") && !uri.startsWith("rediss://") && !uri.startsWith("redis-socket://")) {
      throw new IllegalArgumentException("a Redis URI starts with redis:// or rediss://, got " + uri);
    }
    return uri;
  }

  static String checkName(String what, String name) {
    Objects.requireNonNull(name, what);
    if (name.isBlank()) {
      throw new IllegalArgumentException(what + " is blank");
    }
    return name;
  }

  static Duration atLeast(String what, Duration d, Duration min) {
    Objects.requireNonNull(d, what);
    if (d.compareTo(min) < 0) {
      throw new IllegalArgumentException(what + " must be at least " + min + ", got " + d);
    }
    return d;
  }

  static String forLog(String uri) {
    return uri.replaceAll("//[^@/]*@", "//***@");
  }

  /**
   * A client whose every command fails within {@code commandTimeout}, and at once while
   * disconnected instead of queueing without bound: a caller waiting on Redis must get an answer
   * in bounded time. A blocking {@code XREADGROUP} may take {@code blockAllowance} longer, since
   * Redis holds its reply that long on purpose.
   */
  static RedisClient client(String uri, Duration commandTimeout, Duration blockAllowance) {
    RedisURI redisUri = RedisURI.create(uri);
    redisUri.setTimeout(commandTimeout);
    RedisClient client = RedisClient.create(redisUri);
    long plain = commandTimeout.toMillis();
    long blocking = plain + blockAllowance.toMillis();
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(
                TimeoutOptions.builder()
                    .timeoutSource(
                        new TimeoutOptions.TimeoutSource() {
                          @Override
                          public long getTimeout(RedisCommand<?, ?, ?> command) {
                            return command.getType() == CommandType.XREADGROUP ? blocking : plain;
                          }

                          @Override
                          public TimeUnit getTimeUnit() {
                            return TimeUnit.MILLISECONDS;
                          }
                        })
                    .build())
            .build());
    return client;
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Whether Redis answered {@code t} with an error reply starting with {@code code}. */
  static boolean isReply(Throwable t, String code) {
    Throwable c = unwrap(t);
    return c.getMessage() != null && c.getMessage().startsWith(code);
  }
}

package io.linkgate.router.internal.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Lua script run with EVALSHA. Its body is sent once; when Redis has forgotten it (a restart, a
 * {@code SCRIPT FLUSH}, a failover) the NOSCRIPT answer loads it again and the call is retried once.
 */
final class RedisScript {
  /** Every script made so far, to load them all before first use. */
  private static final java.util.List<RedisScript> ALL = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final String name;
  private final byte[] body;
  private final String sha;

  private RedisScript(String name, byte[] body) {
    this.name = name;
    this.body = body;
    this.sha = Sha1.hex(body);
    ALL.add(this);
  }

  /**
   * Sends every script's body, so that the first calls do not all meet NOSCRIPT: a retried call
   * runs after calls sent later, which would reorder one user's concurrent pushes. Called once
   * connected and again on every reconnect (a restarted Redis has forgotten them).
   */
  static CompletionStage<Void> loadAll(RedisAsyncCommands<byte[], byte[]> redis) {
    CompletableFuture<?>[] loads =
        ALL.stream().map(s -> redis.scriptLoad(s.body).toCompletableFuture()).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(loads);
  }

  /** Reads {@code <name>.lua} next to this class. */
  static RedisScript named(String name) {
    try (InputStream in = RedisScript.class.getResourceAsStream(name + ".lua")) {
      if (in == null) {
        throw new IllegalStateException("script " + name + ".lua missing from the class path");
      }
      return new RedisScript(name, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  <T> CompletionStage<T> run(
      RedisAsyncCommands<byte[], byte[]> redis, ScriptOutputType type, byte[][] keys, byte[]... args) {
    CompletionStage<T> first = redis.evalsha(sha, type, keys, args);
    return first.exceptionallyCompose(
        err -> {
          if (!(Redis.unwrap(err) instanceof RedisNoScriptException)) {
            return CompletableFuture.failedFuture(err);
          }
          return redis.scriptLoad(body).thenCompose(loaded -> redis.<T>evalsha(sha, type, keys, args));
        });
  }

  @Override
  public String toString() {
    return name + ".lua";
  }
}

package io.linkgate.router.store;

import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.linkgate.router.internal.redis.RedisStore;
import java.time.Duration;
import java.util.Objects;

/**
 * The cluster store: the session registry, per-user seqs and inboxes, node liveness and the notices
 * between nodes, all in Redis (7.0 or later; the layout keeps each user's keys in one hash slot so
 * Redis Cluster works too). Every call is asynchronous (Lettuce); nothing blocks an event loop.
 *
 * <p>Each router needs its own store object (the store learns its node id from the router). Build
 * one with {@link #builder(String)}; {@link Builder#connect()} connects and fails fast when Redis
 * cannot be reached. Later outages are survived: calls fail with {@code UNAVAILABLE} within the
 * command timeout, and the store carries on when Redis is back.
 */
public final class RedisRouterStore {
  private RedisRouterStore() {}

  /** @param uri {@code redis://host:port} (Lettuce syntax: {@code redis://password@host:port/db}, {@code rediss://} for TLS) */
  public static Builder builder(String uri) {
    return new Builder(uri);
  }

  /**
   * What a Redis store is built with.
   *
   * @param uri where Redis is
   * @param keyPrefix put before every key and channel, so several clusters can share one Redis
   * @param nodeTtl a node whose liveness key is older than this is dead; refreshed every third of it
   * @param inboxCapacity pushes kept per user
   * @param inboxIdleTtl a user's seq space and inbox expire after this long without a push or read
   * @param sessionTtl a user's registry entries expire after this long without a change (a backstop:
   *     entries of dead nodes are removed by the surviving nodes long before)
   * @param commandTimeout how long one call may take before it fails with {@code UNAVAILABLE}
   * @param sendClaimTtl how long a send being handled blocks its retries on other nodes, should the
   *     node handling it die
   */
  public record Options(
      String uri,
      String keyPrefix,
      Duration nodeTtl,
      int inboxCapacity,
      Duration inboxIdleTtl,
      Duration sessionTtl,
      Duration commandTimeout,
      Duration sendClaimTtl) {

    /** The URI without its password, for logs. */
    public String uriForLog() {
      return uri.replaceAll("//[^@/]*@", "//***@");
    }
  }

  /** Builds a Redis store; every setting has a default. */
  public static final class Builder {
    private final String uri;
    private String keyPrefix = "lg:";
    private Duration nodeTtl = Duration.ofSeconds(5);
    private int inboxCapacity = 1000;
    private Duration inboxIdleTtl = Duration.ofHours(24);
    private Duration sessionTtl = Duration.ofDays(7);
    private Duration commandTimeout = Duration.ofSeconds(2);
    private Duration sendClaimTtl = Duration.ofSeconds(10);
    private CommandLatencyRecorder latencyRecorder;
    private CommandListener commandListener;

    private Builder(String uri) {
      Objects.requireNonNull(uri, "uri");
      if (!uri.startsWith("redis://") && !uri.startsWith("rediss://") && !uri.startsWith("redis-socket://")) {
        throw new IllegalArgumentException("a Redis URI starts with redis:// or rediss://, got " + uri);
      }
      this.uri = uri;
    }

    /** Default {@code lg:}; must not contain braces (they make hash tags). */
    public Builder keyPrefix(String prefix) {
      Objects.requireNonNull(prefix, "keyPrefix");
      if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
        throw new IllegalArgumentException("key-prefix must not contain '{' or '}', got " + prefix);
      }
      this.keyPrefix = prefix;
      return this;
    }

    /** Default 5 s; at least 1 s. */
    public Builder nodeTtl(Duration ttl) {
      this.nodeTtl = atLeast("nodeTtl", ttl, Duration.ofSeconds(1));
      return this;
    }

    /** Default 1,000. */
    public Builder inboxCapacity(int capacity) {
      if (capacity <= 0) {
        throw new IllegalArgumentException("inboxCapacity must be positive, got " + capacity);
      }
      this.inboxCapacity = capacity;
      return this;
    }

    /** Default 24 h. */
    public Builder inboxIdleTtl(Duration ttl) {
      this.inboxIdleTtl = atLeast("inboxIdleTtl", ttl, Duration.ofSeconds(1));
      return this;
    }

    /** Default 7 days. */
    public Builder sessionTtl(Duration ttl) {
      this.sessionTtl = atLeast("sessionTtl", ttl, Duration.ofMinutes(1));
      return this;
    }

    /** Default 2 s. */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = atLeast("commandTimeout", timeout, Duration.ofMillis(10));
      return this;
    }

    /** Default 10 s. */
    public Builder sendClaimTtl(Duration ttl) {
      this.sendClaimTtl = atLeast("sendClaimTtl", ttl, Duration.ofMillis(100));
      return this;
    }

    /**
     * Where Lettuce records each command's latency, e.g. its {@code
     * MicrometerCommandLatencyRecorder} (which needs Micrometer on the class path; the router does
     * not bring it). Default: none, and Lettuce measures nothing.
     */
    public Builder commandLatencyRecorder(CommandLatencyRecorder recorder) {
      this.latencyRecorder = Objects.requireNonNull(recorder, "recorder");
      return this;
    }

    /** Told of every command's start, success and failure, e.g. to count errors. Default: none. */
    public Builder commandListener(CommandListener listener) {
      this.commandListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public Options options() {
      return new Options(
          uri, keyPrefix, nodeTtl, inboxCapacity, inboxIdleTtl, sessionTtl, commandTimeout, sendClaimTtl);
    }

    /**
     * Connects to Redis. The store starts its node heartbeat when a router subscribes to it.
     *
     * @throws io.lettuce.core.RedisConnectionException if Redis cannot be reached now
     */
    public RouterStore connect() {
      return RedisStore.connect(options(), latencyRecorder, commandListener);
    }

    private static Duration atLeast(String what, Duration d, Duration min) {
      Objects.requireNonNull(d, what);
      if (d.compareTo(min) < 0) {
        throw new IllegalArgumentException(what + " must be at least " + min + ", got " + d);
      }
      return d;
    }
  }
}

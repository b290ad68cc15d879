package io.linkgate.router.stream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Send;
import io.linkgate.api.proto.SendAck;
import io.linkgate.router.BusinessHandler;
import io.linkgate.router.SendContext;
import io.linkgate.router.internal.Ids;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BusinessHandler} that stores each accepted {@code Send} in a Redis Stream and leaves
 * delivery to a business service consuming the stream ({@link StreamConsumer}).
 *
 * <p>Each send becomes one entry ({@code XADD <stream> MAXLEN ~ <maxLen> *}) with the fields
 * {@code from} (the authenticated sender, never a value the client set), {@code device}, {@code
 * to}, {@code client_msg_id}, {@code msg_id}, {@code server_time_ms}, one {@code h.<name>} per
 * client header, and {@code payload} (the client's bytes unchanged). The client gets its {@code
 * SendAck} only once Redis confirmed the entry; when Redis fails, refuses or does not answer within
 * the command timeout the send is answered {@code UNAVAILABLE}, which clients retry. A send that
 * timed out may still have been stored, so consumers can see one {@code (from, client_msg_id)}
 * twice; within the router's dedup window a retry of an acked send is answered from the first ack
 * and appends nothing.
 *
 * <p>{@code to} is checked as the default handling checks it ({@code user:<id>} or {@code
 * room:<id>}, else {@code INVALID_ARGUMENT}), so a consumer never sees an entry it cannot route.
 *
 * <p>Holds its own Redis connection, apart from the router's store; {@link #close} releases it.
 */
public final class RedisStreamBusinessHandler implements BusinessHandler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisStreamBusinessHandler.class);
  private static final String USER = "user:";
  private static final String ROOM = "room:";
  /** The router's limit on user ids and room names: what it would refuse is refused here. */
  private static final int MAX_ID_LENGTH = 256;

  private final RedisClient client;
  private final StatefulRedisConnection<String, byte[]> connection;
  private final RedisAsyncCommands<String, byte[]> commands;
  private final String stream;
  private final long maxLen;
  /** One id sequence per router node using this handler, so msg ids name the node that took them. */
  private final Map<String, Ids> msgIds = new ConcurrentHashMap<>();
  private final AtomicBoolean failing = new AtomicBoolean();
  private volatile boolean closed;

  private RedisStreamBusinessHandler(
      RedisClient client, StatefulRedisConnection<String, byte[]> connection, String stream, long maxLen) {
    this.client = client;
    this.connection = connection;
    this.commands = connection.async();
    this.stream = stream;
    this.maxLen = maxLen;
  }

  /**
   * @param uri {@code redis://host:port} (Lettuce syntax: {@code redis://password@host:port/db},
   *     {@code rediss://} for TLS)
   */
  public static Builder builder(String uri) {
    return new Builder(uri);
  }

  /** The stream the entries go to. */
  public String stream() {
    return stream;
  }

  @Override
  public CompletionStage<Frame> onSend(SendContext ctx, Send send) {
    String clientMsgId = send.getClientMsgId();
    GatewayException badTo = checkTo(send.getTo(), clientMsgId);
    if (badTo != null) {
      return CompletableFuture.failedFuture(badTo);
    }
    if (closed) {
      return CompletableFuture.failedFuture(
          new GatewayException(ErrorCode.UNAVAILABLE, "uplink stream handler closed", clientMsgId));
    }
    String msgId = msgIds.computeIfAbsent(ctx.router().nodeId(), node -> new Ids(node, "s")).next();
    long now = System.currentTimeMillis();
    Map<String, byte[]> fields =
        UplinkEntry.encode(ctx.identity().userId(), ctx.deviceId(), send, msgId, now);
    CompletionStage<String> added;
    try {
      added = commands.xadd(stream, new XAddArgs().maxlen(maxLen).approximateTrimming(), fields);
    } catch (RuntimeException e) {
      added = CompletableFuture.failedFuture(e);
    }
    Frame ack =
        Frame.newBuilder()
            .setSendAck(SendAck.newBuilder().setClientMsgId(clientMsgId).setMsgId(msgId).setServerTimeMs(now))
            .build();
    return added
        .<Frame>thenApply(
            entryId -> {
              if (failing.compareAndSet(true, false)) {
                log.info("uplink stream {} reachable again", stream);
              }
              return ack;
            })
        .exceptionallyCompose(err -> CompletableFuture.failedFuture(unavailable(err, clientMsgId)));
  }

  private GatewayException unavailable(Throwable err, String clientMsgId) {
    Throwable cause = StreamRedis.unwrap(err);
    if (failing.compareAndSet(false, true)) {
      log.warn("uplink stream {}: XADD failed, answering sends UNAVAILABLE: {}", stream, cause.toString());
    } else {
      log.debug("uplink stream {}: XADD failed: {}", stream, cause.toString());
    }
    return new GatewayException(
        ErrorCode.UNAVAILABLE, "message could not be stored, retry (" + cause.getMessage() + ")", clientMsgId);
  }

  private static GatewayException checkTo(String to, String clientMsgId) {
    String id;
    if (to.startsWith(USER)) {
      id = to.substring(USER.length());
    } else if (to.startsWith(ROOM)) {
      id = to.substring(ROOM.length());
    } else {
      return new GatewayException(
          ErrorCode.INVALID_ARGUMENT,
          "Send.to must be user:<id> or room:<id>, got '" + abbreviate(to) + "'",
          clientMsgId);
    }
    if (id.isEmpty()) {
      return new GatewayException(
          ErrorCode.INVALID_ARGUMENT, "Send.to names no user or room: '" + to + "'", clientMsgId);
    }
    if (id.length() > MAX_ID_LENGTH) {
      return new GatewayException(
          ErrorCode.INVALID_ARGUMENT,
          "Send.to: id longer than " + MAX_ID_LENGTH + " characters",
          clientMsgId);
    }
    return null;
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }

  /** Closes the Redis connection; sends from then on are answered {@code UNAVAILABLE}. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }

  @Override
  public String toString() {
    return "RedisStreamBusinessHandler{" + stream + "}";
  }

  /** Builds a {@link RedisStreamBusinessHandler}; every setting has a default. */
  public static final class Builder {
    private final String uri;
    private String stream = StreamRedis.DEFAULT_STREAM;
    private long maxLen = 1_000_000;
    private Duration commandTimeout = Duration.ofSeconds(2);

    private Builder(String uri) {
      this.uri = StreamRedis.checkUri(uri);
    }

    /** The stream's key; default {@code lg:uplink}. */
    public Builder stream(String stream) {
      this.stream = StreamRedis.checkName("stream", stream);
      return this;
    }

    /**
     * About how many entries the stream keeps ({@code MAXLEN ~}); default 1,000,000. Redis trims
     * whole nodes of entries, so the stream may hold somewhat more. Entries trimmed before a
     * consumer read them are lost to it: size this for the longest consumer outage to ride out.
     */
    public Builder maxLen(long maxLen) {
      if (maxLen <= 0) {
        throw new IllegalArgumentException("maxLen must be positive, got " + maxLen);
      }
      this.maxLen = maxLen;
      return this;
    }

    /** How long an XADD may take before the send is answered {@code UNAVAILABLE}; default 2 s. */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = StreamRedis.atLeast("commandTimeout", timeout, Duration.ofMillis(10));
      return this;
    }

    /**
     * Connects to Redis. Later outages are survived: sends fail with {@code UNAVAILABLE} meanwhile,
     * and the connection comes back by itself.
     *
     * @throws io.lettuce.core.RedisConnectionException if Redis cannot be reached now
     */
    public RedisStreamBusinessHandler connect() {
      RedisClient client = StreamRedis.client(uri, commandTimeout, Duration.ZERO);
      try {
        StatefulRedisConnection<String, byte[]> connection = client.connect(StreamRedis.CODEC);
        log.info("uplink stream {} at {}, MAXLEN ~ {}", stream, StreamRedis.forLog(uri), maxLen);
        return new RedisStreamBusinessHandler(client, connection, stream, maxLen);
      } catch (RuntimeException e) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        throw e;
      }
    }
  }
}

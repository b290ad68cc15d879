package io.linkgate.router.internal.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.linkgate.router.store.Inboxes;
import io.linkgate.router.store.NodeDirectory;
import io.linkgate.router.store.NoticeBus;
import io.linkgate.router.store.RedisRouterStore;
import io.linkgate.router.store.RouterStore;
import io.linkgate.router.store.SendAnswers;
import io.linkgate.router.store.SessionRegistry;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Redis store's parts, on one command connection and one pub/sub connection. */
public final class RedisStore implements RouterStore {
  private static final Logger log = LoggerFactory.getLogger(RedisStore.class);

  private final RedisClient client;
  private final java.util.concurrent.ExecutorService appendSender;
  private final ClientResources resources;
  private final StatefulRedisConnection<byte[], byte[]> connection;
  private final StatefulRedisPubSubConnection<byte[], byte[]> pubsub;
  private final RedisContext context;
  private final RedisSessionRegistry sessions;
  private final RedisInboxes inboxes;
  private final RedisNoticeBus notices;
  private final RedisSendAnswers answers;
  private final RedisNodeDirectory nodes;
  private final ScheduledExecutorService timer;
  private volatile boolean closed;

  private RedisStore(
      RedisClient client,
      ClientResources resources,
      StatefulRedisConnection<byte[], byte[]> connection,
      StatefulRedisPubSubConnection<byte[], byte[]> pubsub,
      RedisRouterStore.Options options) {
    this.client = client;
    this.resources = resources;
    this.connection = connection;
    this.pubsub = pubsub;
    this.context = new RedisContext(connection.async(), options);
    this.sessions = new RedisSessionRegistry(context);
    // One thread sends every append script call, so that calls leave in the order they were made.
    this.appendSender = Executors.newSingleThreadExecutor(daemon("linkgate-redis-append"));
    this.inboxes = new RedisInboxes(context, appendSender);
    this.answers = new RedisSendAnswers(context);
    this.nodes = new RedisNodeDirectory(context, sessions.liveness());
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("linkgate-redis-heartbeat"));
    this.notices = new RedisNoticeBus(context, pubsub, sessions, () -> sessions.liveness().start(timer));
    sessions.onDisplaced(notices::sendDisplaced);
    // The parts above made their scripts; Redis learns them all before the first call.
    RedisScript.loadAll(connection.async()).toCompletableFuture().join();
    client.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
            if (handler == connection) {
              RedisScript.loadAll(connection.async())
                  .whenComplete((v, err) -> {
                    if (err != null) {
                      log.debug("could not load the scripts after reconnecting: {}", err.toString());
                    }
                  });
            }
          }
        });
  }

  /**
   * @param latency where Lettuce records command latencies, or null for none
   * @param listener told of every command's outcome, or null for none
   */
  public static RedisStore connect(
      RedisRouterStore.Options options, CommandLatencyRecorder latency, CommandListener listener) {
    RedisURI uri = RedisURI.create(options.uri());
    uri.setTimeout(options.commandTimeout());
    // Reconnect attempts back off to 1 s at most, not Lettuce's default 30 s: a node should be
    // serving again within a second of Redis coming back.
    DefaultClientResources.Builder rb =
        DefaultClientResources.builder()
            .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS));
    if (latency != null) {
      rb.commandLatencyRecorder(latency);
    }
    ClientResources resources = rb.build();
    RedisClient client = RedisClient.create(resources, uri);
    if (listener != null) {
      client.addListener(listener);
    }
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // Fail at once while disconnected instead of queueing without bound: a send must be
            // answered UNAVAILABLE within a bounded time, never hang.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(options.commandTimeout()))
            .build());
    try {
      StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
      StatefulRedisPubSubConnection<byte[], byte[]> pubsub = client.connectPubSub(ByteArrayCodec.INSTANCE);
      log.debug("connected to Redis at {}", options.uriForLog());
      return new RedisStore(client, resources, connection, pubsub, options);
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      throw e;
    }
  }

  @Override
  public SessionRegistry sessions() {
    return sessions;
  }

  @Override
  public Inboxes inboxes() {
    return inboxes;
  }

  @Override
  public NodeDirectory nodes() {
    return nodes;
  }

  @Override
  public NoticeBus notices() {
    return notices;
  }

  @Override
  public Optional<SendAnswers> sendAnswers() {
    return Optional.of(answers);
  }

  @Override
  public boolean isAvailable() {
    return !closed && connection.isOpen() && sessions.liveness().reachable();
  }

  /** Sessions this node has registered and would write again after a loss. */
  public int localSessionCount() {
    return sessions.localSessionCount();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    sessions.liveness().stop();
    timer.shutdownNow();
    appendSender.shutdown();
    try {
      sessions.liveness().leave().toCompletableFuture().get(1, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("could not remove this node's liveness key: {}", e.toString());
    }
    pubsub.close();
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}

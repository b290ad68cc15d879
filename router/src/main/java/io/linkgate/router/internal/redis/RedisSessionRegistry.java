package io.linkgate.router.internal.redis;

import io.lettuce.core.ScriptOutputType;
import io.linkgate.router.DeviceSession;
import io.linkgate.router.store.SessionRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared registry: one hash per user (device id to session, node and acked seq), a set per node
 * of the users it registered (for cleanup when it dies), and a pub/sub channel announcing every
 * change so near caches on every node drop the user.
 *
 * <p>This node also keeps its own registrations in memory, so that it can write them again when
 * Redis lost them. Registry writes for one user are issued in order under a lock: Lettuce keeps that
 * order on the connection, so a late unregister can never overtake the register that followed it.
 */
final class RedisSessionRegistry implements SessionRegistry {
  private static final Logger log = LoggerFactory.getLogger(RedisSessionRegistry.class);
  private static final RedisScript REGISTER = RedisScript.named("register");
  private static final RedisScript UNREGISTER = RedisScript.named("unregister");
  private static final RedisScript ACK = RedisScript.named("ack");
  private static final RedisScript CLEAN = RedisScript.named("clean");

  private final RedisContext redis;
  private final NodeLiveness liveness;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private volatile Consumer<DeviceSession> displaced = s -> {};
  /** Unregisters that failed while Redis was unreachable, tried again once it is back. Bounded. */
  private final java.util.concurrent.ConcurrentLinkedQueue<DeviceSession> failedUnregisters =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicInteger failedCount = new java.util.concurrent.atomic.AtomicInteger();
  static final int MAX_FAILED_UNREGISTERS = 100_000;
  /** This node's registrations: user to device to session. Guarded by itself. */
  private final Map<String, Map<String, DeviceSession>> local = new HashMap<>();

  RedisSessionRegistry(RedisContext redis) {
    this.redis = redis;
    this.liveness = new NodeLiveness(redis, this::registerAllAgain, this::retryFailedUnregisters);
  }

  NodeLiveness liveness() {
    return liveness;
  }

  @Override
  public CompletionStage<Void> register(DeviceSession session) {
    CompletionStage<Object> written;
    synchronized (local) {
      Map<String, DeviceSession> devices = local.computeIfAbsent(session.userId(), u -> new HashMap<>(2));
      boolean firstOfUser = devices.isEmpty();
      devices.put(session.deviceId(), session);
      written = write(session, false);
      if (firstOfUser) {
        redis.commands().sadd(redis.keys().nodeUsers(redis.nodeId()), Redis.utf8(session.userId()));
      }
    }
    return Redis.unavailableOnFailure(written, "could not register the session")
        .thenApply(
            old -> {
              DeviceSession previous =
                  old == null ? null : SessionEntry.decode(session.userId(), session.deviceId(), (byte[]) old);
              if (previous != null
                  && !previous.nodeId().equals(session.nodeId())
                  && !previous.sessionId().equals(session.sessionId())) {
                displaced.accept(previous);
              }
              return null;
            });
  }

  /** Tells a node that its downlink was displaced by a newer session of the device elsewhere. */
  void onDisplaced(Consumer<DeviceSession> tellNode) {
    this.displaced = tellNode;
  }

  private CompletionStage<Object> write(DeviceSession s, boolean onlyIfAbsent) {
    RedisKeys keys = redis.keys();
    return REGISTER.run(
        redis.commands(),
        ScriptOutputType.VALUE,
        new byte[][] {keys.sessions(s.userId())},
        Redis.utf8(s.deviceId()),
        SessionEntry.encode(s),
        Redis.decimal(redis.options().sessionTtl().toMillis()),
        keys.sessionChanges(),
        Redis.utf8(s.userId()),
        Redis.utf8(onlyIfAbsent ? "1" : "0"));
  }

  @Override
  public CompletionStage<Boolean> unregister(DeviceSession session) {
    RedisKeys keys = redis.keys();
    CompletionStage<Long> removed;
    synchronized (local) {
      Map<String, DeviceSession> devices = local.get(session.userId());
      DeviceSession mine = devices == null ? null : devices.get(session.deviceId());
      if (mine != null && mine.sessionId().equals(session.sessionId())) {
        devices.remove(session.deviceId());
        if (devices.isEmpty()) {
          local.remove(session.userId());
        }
      }
      removed =
          UNREGISTER.run(
              redis.commands(),
              ScriptOutputType.INTEGER,
              new byte[][] {keys.sessions(session.userId())},
              Redis.utf8(session.deviceId()),
              Redis.utf8(session.sessionId()),
              keys.sessionChanges(),
              Redis.utf8(session.userId()));
      if (!local.containsKey(session.userId())) {
        redis.commands().srem(keys.nodeUsers(redis.nodeId()), Redis.utf8(session.userId()));
      }
    }
    return Redis.unavailableOnFailure(removed, "could not unregister the session")
        .whenComplete(
            (n, err) -> {
              // Left in Redis, the entry would show a device that is gone until it reconnects.
              if (err != null && failedCount.incrementAndGet() <= MAX_FAILED_UNREGISTERS) {
                failedUnregisters.add(session);
              } else if (err != null) {
                failedCount.decrementAndGet();
              }
            })
        .thenApply(n -> n > 0);
  }

  /** Retries the unregisters that failed during an outage (called once Redis answers again). */
  void retryFailedUnregisters() {
    DeviceSession s;
    while ((s = failedUnregisters.poll()) != null) {
      failedCount.decrementAndGet();
      unregister(s);
    }
  }

  @Override
  public CompletionStage<List<DeviceSession>> lookup(String userId) {
    CompletionStage<Map<byte[], byte[]>> all = redis.commands().hgetall(redis.keys().sessions(userId));
    return Redis.unavailableOnFailure(all, "could not look up the sessions")
        .thenApply(entries -> live(userId, entries));
  }

  private List<DeviceSession> live(String userId, Map<byte[], byte[]> entries) {
    List<DeviceSession> out = new ArrayList<>(entries.size());
    List<String> deadNodes = null;
    for (Map.Entry<byte[], byte[]> e : entries.entrySet()) {
      DeviceSession s = SessionEntry.decode(userId, Redis.utf8(e.getKey()), e.getValue());
      if (s == null) {
        continue;
      }
      if (liveness.isDead(s.nodeId())) {
        if (deadNodes == null) {
          deadNodes = new ArrayList<>(1);
        }
        if (!deadNodes.contains(s.nodeId())) {
          deadNodes.add(s.nodeId());
        }
        continue;
      }
      out.add(s);
    }
    if (deadNodes != null) {
      // Repair on read: the dead node's bulk cleanup may not have reached this user yet.
      for (String node : deadNodes) {
        CLEAN.run(
            redis.commands(),
            ScriptOutputType.INTEGER,
            new byte[][] {redis.keys().sessions(userId)},
            Redis.utf8(node),
            redis.keys().sessionChanges(),
            Redis.utf8(userId));
      }
    }
    return out;
  }

  @Override
  public CompletionStage<Void> recordAck(String userId, String deviceId, String sessionId, long upToSeq) {
    synchronized (local) {
      Map<String, DeviceSession> devices = local.get(userId);
      DeviceSession mine = devices == null ? null : devices.get(deviceId);
      if (mine != null && mine.sessionId().equals(sessionId)) {
        devices.put(deviceId, mine.withAckedSeq(upToSeq));
      }
    }
    CompletionStage<Object> done =
        ACK.run(
            redis.commands(),
            ScriptOutputType.INTEGER,
            new byte[][] {redis.keys().sessions(userId)},
            Redis.utf8(deviceId),
            Redis.utf8(sessionId),
            Redis.decimal(upToSeq));
    return Redis.unavailableOnFailure(done, "could not record the ack").thenApply(r -> null);
  }

  @Override
  public CompletionStage<List<String>> onlineUsers() {
    // Every live node's user set; the sets are per node so each read stays in one slot.
    RedisKeys keys = redis.keys();
    var commands = redis.commands();
    return Redis.unavailableOnFailure(commands.smembers(keys.nodes()), "could not list the nodes")
        .thenCompose(
            nodes -> {
              List<java.util.concurrent.CompletableFuture<java.util.Set<byte[]>>> sets = new ArrayList<>();
              for (byte[] n : nodes) {
                String node = Redis.utf8(n);
                if (!liveness.isDead(node)) {
                  sets.add(commands.smembers(keys.nodeUsers(node)).toCompletableFuture());
                }
              }
              return java.util.concurrent.CompletableFuture.allOf(sets.toArray(new java.util.concurrent.CompletableFuture<?>[0]))
                  .thenApply(
                      v -> {
                        java.util.Set<String> users = new java.util.LinkedHashSet<>();
                        for (var s : sets) {
                          for (byte[] u : s.join()) {
                            users.add(Redis.utf8(u));
                          }
                        }
                        return (List<String>) new ArrayList<>(users);
                      });
            });
  }

  @Override
  public void addChangeListener(Consumer<String> listener) {
    listeners.add(listener);
  }

  /** A change announced on the changes channel, by any node (this one included). */
  void changed(String userId) {
    for (Consumer<String> l : listeners) {
      try {
        l.accept(userId);
      } catch (RuntimeException e) {
        log.warn("session change listener failed", e);
      }
    }
  }

  int localSessionCount() {
    synchronized (local) {
      int n = 0;
      for (Map<String, DeviceSession> d : local.values()) {
        n += d.size();
      }
      return n;
    }
  }

  /** Writes every local registration again (Redis lost them). */
  private void registerAllAgain() {
    int n = 0;
    synchronized (local) {
      byte[] usersKey = redis.keys().nodeUsers(redis.nodeId());
      for (Map.Entry<String, Map<String, DeviceSession>> user : local.entrySet()) {
        for (DeviceSession s : user.getValue().values()) {
          write(s, true);
          n++;
        }
        redis.commands().sadd(usersKey, Redis.utf8(user.getKey()));
      }
    }
    log.info("registered {} live sessions again", n);
  }
}

package io.linkgate.router.internal.redis;

import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.ValueScanCursor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which nodes are alive. Every node refreshes its own key with a TTL (Redis 7.0 has no per-field
 * hash TTL, so liveness cannot live inside the session hashes); a node whose key expired is dead:
 * lookups ignore its sessions at once and one surviving node removes them, user by user, from the
 * set of users the dead node had registered.
 *
 * <p>A beat that finds this node's own key gone (Redis restarted without its data, was flushed, or
 * other nodes declared this node dead during an outage) re-registers every live local session, on
 * that beat and the next (a cleanup by another node may have been running meanwhile).
 */
final class NodeLiveness {
  private static final Logger log = LoggerFactory.getLogger(NodeLiveness.class);
  private static final RedisScript CLEAN = RedisScript.named("clean");
  private static final int CLEANUP_BATCH = 200;
  private static final int MAX_REMEMBERED_DEAD = 10_000;

  private final RedisContext redis;
  private final Runnable reRegister;
  private final Runnable onReachable;
  private final Set<String> alive = ConcurrentHashMap.newKeySet();
  private final Set<String> dead = ConcurrentHashMap.newKeySet();
  /** Nodes named by registry entries but not yet checked; checked on the next beat. */
  private final Set<String> unknown = ConcurrentHashMap.newKeySet();
  private volatile long lastBeatOkNanos;
  private volatile boolean beatenOnce;
  private final java.util.concurrent.atomic.AtomicInteger reRegisterBeats =
      new java.util.concurrent.atomic.AtomicInteger();
  private ScheduledFuture<?> task;

  NodeLiveness(RedisContext redis, Runnable reRegister, Runnable onReachable) {
    this.redis = redis;
    this.reRegister = reRegister;
    this.onReachable = onReachable;
  }

  void start(ScheduledExecutorService timer) {
    long period = Math.max(100, redis.options().nodeTtl().toMillis() / 3);
    beat();
    task = timer.scheduleWithFixedDelay(this::beatSafely, period, period, TimeUnit.MILLISECONDS);
  }

  void stop() {
    if (task != null) {
      task.cancel(false);
    }
  }

  /** Removes this node's liveness key: the others see it gone at once instead of after the TTL. */
  CompletionStage<?> leave() {
    RedisKeys keys = redis.keys();
    String self = redis.nodeId();
    return redis.commands().del(keys.nodeAlive(self)).thenCompose(n -> redis.commands().srem(keys.nodes(), Redis.utf8(self)));
  }

  /** Whether entries of {@code node} should be ignored. Unknown nodes count as alive until checked. */
  boolean isDead(String node) {
    if (dead.contains(node)) {
      return true;
    }
    if (!alive.contains(node) && !node.equals(redis.nodeId())) {
      if (unknown.size() < 10_000) {
        unknown.add(node);
      }
    }
    return false;
  }

  /** Whether the last beat reached Redis within the node TTL. */
  boolean reachable() {
    return beatenOnce
        && System.nanoTime() - lastBeatOkNanos < redis.options().nodeTtl().toNanos();
  }

  private void beatSafely() {
    try {
      beat();
    } catch (RuntimeException e) {
      log.warn("node heartbeat failed", e);
    }
  }

  private void beat() {
    RedisKeys keys = redis.keys();
    String self = redis.nodeId();
    byte[] selfBytes = Redis.utf8(self);
    var commands = redis.commands();
    CompletionStage<byte[]> previous =
        commands.setGet(
            keys.nodeAlive(self),
            Redis.utf8("1"),
            SetArgs.Builder.px(redis.options().nodeTtl().toMillis()));
    commands.sadd(keys.nodes(), selfBytes);
    CompletionStage<Set<byte[]>> members = commands.smembers(keys.nodes());
    previous
        .thenCombine(members, (prev, all) -> {
          boolean wasAlive = prev != null;
          if (!wasAlive && beatenOnce) {
            log.warn("this node's registry entries may be gone (Redis lost its key); registering its sessions again");
            reRegisterBeats.set(2);
          }
          if (reRegisterBeats.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            reRegister.run();
          }
          if (!beatenOnce || !reachable()) {
            log.info("store reachable: Redis at {}", redis.options().uriForLog());
          }
          lastBeatOkNanos = System.nanoTime();
          beatenOnce = true;
          onReachable.run();
          checkOthers(all);
          return null;
        })
        .whenComplete(
            (v, err) -> {
              if (err != null && reachableBefore()) {
                log.warn("store unreachable: {}", Redis.unwrap(err).toString());
              }
            });
  }

  private boolean reachableBefore() {
    return beatenOnce && System.nanoTime() - lastBeatOkNanos < 2 * redis.options().nodeTtl().toNanos();
  }

  private void checkOthers(Set<byte[]> members) {
    String self = redis.nodeId();
    List<String> others = new ArrayList<>();
    for (byte[] m : members) {
      String n = Redis.utf8(m);
      if (!n.equals(self)) {
        others.add(n);
      }
    }
    // Also those believed alive that left the set (a clean leave removes itself from it): without
    // a check they would count as alive for as long as this node runs.
    for (Set<String> more : List.of(unknown, alive)) {
      for (String n : more) {
        if (!n.equals(self) && !others.contains(n)) {
          others.add(n);
        }
      }
    }
    unknown.clear();
    for (String node : others) {
      redis
          .commands()
          .exists(redis.keys().nodeAlive(node))
          .thenAccept(
              n -> {
                if (n > 0) {
                  alive.add(node);
                  dead.remove(node);
                } else {
                  alive.remove(node);
                  if (dead.add(node)) {
                    log.info("node {} is gone; its sessions are ignored and cleaned up", node);
                  }
                  cleanUp(node);
                }
              });
    }
  }

  /** Takes the cleanup of {@code node} if no other node holds it, and removes its entries. */
  private void cleanUp(String node) {
    RedisKeys keys = redis.keys();
    long lockMs = Math.max(10_000, redis.options().nodeTtl().toMillis() * 4);
    redis
        .commands()
        .set(keys.nodeCleanup(node), Redis.utf8(redis.nodeId()), SetArgs.Builder.nx().px(lockMs))
        .thenAccept(
            ok -> {
              if ("OK".equals(ok)) {
                scan(node, ScanCursor.INITIAL, 0);
              }
            });
  }

  private void scan(String node, ScanCursor cursor, int removedSoFar) {
    RedisKeys keys = redis.keys();
    var commands = redis.commands();
    commands
        .sscan(keys.nodeUsers(node), cursor, ScanArgs.Builder.limit(CLEANUP_BATCH))
        .thenCompose(
            (ValueScanCursor<byte[]> page) -> {
              List<CompletableFuture<Long>> cleaned = new ArrayList<>();
              for (byte[] user : page.getValues()) {
                String u = Redis.utf8(user);
                CompletionStage<Long> n =
                    CLEAN.run(
                        commands,
                        ScriptOutputType.INTEGER,
                        new byte[][] {keys.sessions(u)},
                        Redis.utf8(node),
                        keys.sessionChanges(),
                        user);
                cleaned.add(n.toCompletableFuture());
              }
              return CompletableFuture.allOf(cleaned.toArray(new CompletableFuture<?>[0]))
                  .thenApply(
                      v -> {
                        int sum = 0;
                        for (CompletableFuture<Long> c : cleaned) {
                          sum += c.join().intValue();
                        }
                        return new Object[] {page, sum};
                      });
            })
        .whenComplete(
            (r, err) -> {
              if (err != null) {
                log.debug("cleanup of node {} interrupted: {}", node, err.toString());
                return;
              }
              ValueScanCursor<?> page = (ValueScanCursor<?>) r[0];
              int removed = removedSoFar + (int) r[1];
              if (!page.isFinished()) {
                scan(node, page, removed);
                return;
              }
              // Only forget the node if it did not come back meanwhile.
              commands
                  .exists(keys.nodeAlive(node))
                  .thenAccept(
                      alive -> {
                        if (alive == 0) {
                          commands.del(keys.nodeUsers(node));
                          commands.srem(keys.nodes(), Redis.utf8(node));
                          // Still dead to this node: forgetting it would list it as alive again
                          // until the next check. A node that returns re-adds itself to the set of
                          // nodes and is found alive on the next beat.
                          if (dead.size() > MAX_REMEMBERED_DEAD) {
                            dead.clear();
                          }
                          log.info("cleaned up {} session entries of gone node {}", removed, node);
                        }
                        commands.del(keys.nodeCleanup(node));
                      });
            });
  }
}

package io.linkgate.tck;

import io.linkgate.router.store.RedisRouterStore;
import io.linkgate.testing.RedisServerProcess;
import java.time.Duration;

/**
 * The kit over TCP against a two-node cluster on a real redis-server: every device's downlink on
 * one node, every sender's uplink and every push on the other. Nothing logged at ERROR either.
 */
class TcpOnRedisClusterConformanceTest extends TcpConformanceTest {
  @Override
  protected NodeStores clusterStores() {
    RedisServerProcess redis = RedisServerProcess.start();
    // Stopped when the JVM ends: the suite closes its nodes after every @AfterAll of this class.
    Runtime.getRuntime().addShutdownHook(new Thread(redis::close));
    return (nodeId, inboxCapacity) ->
        RedisRouterStore.builder(redis.uri())
            .inboxCapacity(inboxCapacity)
            .nodeTtl(Duration.ofSeconds(2))
            .commandTimeout(Duration.ofSeconds(1))
            .connect();
  }
}

package io.linkgate.tck;

import io.linkgate.api.client.ClientTransportProvider;
import io.linkgate.api.transport.TransportProvider;
import io.linkgate.router.store.RedisRouterStore;
import io.linkgate.testing.RedisServerProcess;
import io.linkgate.transport.tcp.TcpClientTransportProvider;
import io.linkgate.transport.tcp.TcpTransportProvider;
import java.time.Duration;

/**
 * The kit over TCP against a two-node cluster on a real redis-server: every device's downlink on
 * one node, every sender's uplink and every push on the other.
 */
class TcpOnRedisClusterConformanceTest extends TransportConformanceSuite {
  private RedisServerProcess redis;

  @Override
  protected NodeStores clusterStores() {
    redis = RedisServerProcess.start();
    // Stopped when the JVM ends: the suite closes its nodes after every @AfterAll of this class.
    Runtime.getRuntime().addShutdownHook(new Thread(redis::close));
    return (nodeId, inboxCapacity) ->
        RedisRouterStore.builder(redis.uri())
            .inboxCapacity(inboxCapacity)
            .nodeTtl(Duration.ofSeconds(2))
            .commandTimeout(Duration.ofSeconds(1))
            .connect();
  }

  @Override
  protected TransportProvider serverProvider() {
    return new TcpTransportProvider();
  }

  @Override
  protected ClientTransportProvider clientProvider() {
    return new TcpClientTransportProvider();
  }

  @Override
  protected RawAccess rawAccess() {
    return SocketRawConnection::connect;
  }
}

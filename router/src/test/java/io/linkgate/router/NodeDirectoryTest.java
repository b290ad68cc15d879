package io.linkgate.router;

import static io.linkgate.router.Fixtures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.proto.NodeStatus;
import io.linkgate.router.store.NodeDirectory;
import io.linkgate.router.store.RedisRouterStore;
import io.linkgate.router.store.RouterStore;
import io.linkgate.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Node statuses, as dispatch reads them: in memory, and shared through a real redis-server. */
class NodeDirectoryTest {
  private final List<AutoCloseable> open = new ArrayList<>();
  private RedisServerProcess redis;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private static NodeStatus status(String node, int level, long updatedAt) {
    return NodeStatus.newBuilder().setNodeId(node).setLoadLevel(level).setUpdatedAtMs(updatedAt).build();
  }

  private static List<String> ids(NodeDirectory d) {
    return join(d.nodes()).stream().map(NodeStatus::getNodeId).sorted().toList();
  }

  @Test
  void inMemoryListsFreshStatusesAndForgetsWithdrawnAndStaleOnes() {
    NodeDirectory d = RouterStore.inMemory(10, 10, Duration.ofMinutes(1)).nodes();
    long now = System.currentTimeMillis();
    join(d.publish(status("a", 0, now)));
    join(d.publish(status("b", 2, now)));
    join(d.publish(status("old", 0, now - NodeDirectory.STALE_AFTER_MS - 1_000)));
    assertThat(ids(d)).containsExactly("a", "b");
    join(d.publish(status("b", 3, now)));
    assertThat(join(d.nodes())).filteredOn(s -> s.getNodeId().equals("b")).extracting(NodeStatus::getLoadLevel).containsExactly(3);
    join(d.withdraw("a"));
    assertThat(ids(d)).containsExactly("b");
  }

  /** A node on the shared Redis: its router publishes liveness; its store is returned. */
  private RouterStore redisNode(String id) {
    RouterStore store = RedisRouterStore.builder(redis.uri()).nodeTtl(Duration.ofSeconds(1)).connect();
    open.add(store);
    open.add(Fixtures.router().nodeId(id).store(store).build());
    return store;
  }

  @Test
  void onRedisEveryNodeSeesEveryStatusAndADeadNodesStatusDisappears() throws Exception {
    redis = RedisServerProcess.start();
    NodeDirectory n1 = redisNode("n1").nodes();
    NodeDirectory n2 = redisNode("n2").nodes();
    RouterStore ghost = redisNode("ghost");
    long now = System.currentTimeMillis();
    join(n1.publish(status("n1", 1, now)));
    join(n2.publish(status("n2", 0, now)));
    join(ghost.nodes().publish(status("ghost", 0, now)));
    assertThat(ids(n1)).containsExactly("ghost", "n1", "n2");
    assertThat(ids(n2)).containsExactly("ghost", "n1", "n2");

    // The ghost node stops without withdrawing its status: only its liveness goes.
    ghost.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> !ids(n1).contains("ghost"));
    await().atMost(Duration.ofSeconds(5)).until(() -> redis.command("HEXISTS", "lg:nodestatus", "ghost").equals(":0"));
    assertThat(ids(n2)).containsExactly("n1", "n2");
    // ...and stays gone after the survivors cleaned up after it.
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !ids(n1).contains("ghost"));

    join(n2.withdraw("n2"));
    assertThat(ids(n1)).containsExactly("n1");
  }
}

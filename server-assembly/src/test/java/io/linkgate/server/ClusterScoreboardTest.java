package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.proto.Role;
import io.linkgate.router.DeviceSession;
import io.linkgate.router.Hs256Authenticator;
import io.linkgate.router.Router;
import io.linkgate.router.store.RedisRouterStore;
import io.linkgate.router.store.RouterStore;
import io.linkgate.testing.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster's promises, each against real gateway processes started by the CLI on one real
 * redis-server, with real clients: what survives a node killed with -9, and a reconnect storm.
 */
class ClusterScoreboardTest {
  private final List<AutoCloseable> open = new ArrayList<>();
  private RedisServerProcess redis;

  @AfterEach
  void stopAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  private List<GatewayProcess> gateways(int n) throws Exception {
    return gateways(n, false);
  }

  private List<GatewayProcess> gateways(int n, boolean persistentRedis) throws Exception {
    redis = RedisServerProcess.start(persistentRedis);
    open.add(redis);
    List<GatewayProcess> nodes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      GatewayProcess g = GatewayProcess.start("gw-" + i, redis.uri());
      open.add(g);
      nodes.add(g);
    }
    return nodes;
  }

  /** A business service in this JVM: an embedded router on the same Redis, to ask who is where. */
  private Router observer() {
    RouterStore store = RedisRouterStore.builder(redis.uri()).nodeTtl(Duration.ofSeconds(2)).connect();
    open.add(store);
    Router r =
        Router.builder()
            .nodeId("observer")
            .authenticator(new Hs256Authenticator(TestNodes.SECRET.getBytes(StandardCharsets.UTF_8)))
            .store(store)
            .build();
    open.add(r);
    return r;
  }

  /** {@code n} connected devices, {@code prefix0..}, device i preferring node {@code preferred(i)}. */
  private List<ClusterDevice> devices(
      List<GatewayProcess> nodes, String prefix, int n, java.util.function.IntUnaryOperator preferred, int sendAttempts)
      throws Exception {
    List<ClusterDevice> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(device(nodes, prefix + i, preferred.applyAsInt(i), sendAttempts));
    }
    return out;
  }

  private ClusterDevice device(List<GatewayProcess> nodes, String user, int preferred, int sendAttempts)
      throws Exception {
    ClusterDevice d =
        new ClusterDevice(
            user,
            GatewayProcess.rotated(nodes, preferred, Role.DOWNLINK),
            GatewayProcess.rotated(nodes, preferred, Role.UPLINK),
            sendAttempts);
    open.add(d);
    d.connect();
    return d;
  }

  @Test
  void aNodeKilledWithMinus9LosesNoMessageAndItsClientsAreBackElsewhereWithin10Seconds() throws Exception {
    List<GatewayProcess> nodes = gateways(3);
    Router observer = observer();
    int users = 24;
    List<ClusterDevice> devices = devices(nodes, "u", users, i -> i % 3, 5);
    GatewayProcess victim = nodes.get(0);
    Sender sender = new Sender(devices);
    sender.start();
    Thread.sleep(2000);

    victim.kill();
    long killedAt = System.nanoTime();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .alias("every device back on a surviving node")
        .until(() -> allOnSurvivors(observer, devices, victim.nodeId()));
    Duration back = Duration.ofNanos(System.nanoTime() - killedAt);
    Thread.sleep(2000);
    sender.stopAndJoin();

    assertEveryAckedSendDeliveredExactlyOnceAndSeqsGapFree(devices);
    assertThat(back).isLessThan(Duration.ofSeconds(10));
    System.out.printf(
        "kill -9: all %d devices back on survivors after %d ms; %d sends acked, %d failed%n",
        users, back.toMillis(), devices.stream().mapToInt(d -> d.acked.size()).sum(),
        devices.stream().mapToInt(d -> d.failedSends.get()).sum());
  }

  @Test
  void aServiceEmbeddingTheRouterInAnotherProcessPushesToUsersOnEveryGateway() throws Exception {
    List<GatewayProcess> nodes = gateways(2);
    List<ClusterDevice> devices = devices(nodes, "b", 4, i -> i % 2, 5);
    Router service = observer(); // this JVM: no transport, only the Redis store
    for (ClusterDevice d : devices) {
      service.push(d.user, io.linkgate.router.Message.of("billing", "", ("invoice for " + d.user).getBytes(StandardCharsets.UTF_8)))
          .toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
    }
    for (ClusterDevice d : devices) {
      await().atMost(Duration.ofSeconds(5)).until(() -> d.received.size() == 1);
      assertThat(d.received.get(0).getFrom()).isEqualTo("billing");
      assertThat(d.received.get(0).getPayload().toStringUtf8()).isEqualTo("invoice for " + d.user);
    }
    assertThat(service.isOnline("b1").toCompletableFuture().get()).isTrue();
    assertThat(service.sessionsOf("b1").toCompletableFuture().get()).extracting(DeviceSession::nodeId).containsExactly("gw-1");
  }

  @Test
  void aSendToTheUplinkStreamIsDeliveredByTheBusinessServiceConsumingIt() throws Exception {
    redis = RedisServerProcess.start();
    open.add(redis);
    GatewayProcess gw = GatewayProcess.start("gw-s", redis.uri(), "sends: {handler: redis-stream}");
    open.add(gw);
    List<GatewayProcess> nodes = List.of(gw);
    ClusterDevice alice = device(nodes, "alice", 0, 5);
    ClusterDevice bob = device(nodes, "bob", 0, 5);
    alice.sendTo("bob");
    await().atMost(Duration.ofSeconds(10)).until(() -> alice.acked.size() == 1);
    Thread.sleep(300);
    assertThat(bob.received).as("nothing is delivered before a service consumes the stream").isEmpty();

    // The business service, in this JVM: an embedded router delivering what the stream holds.
    Router service = observer();
    io.linkgate.router.stream.StreamConsumer consumer =
        io.linkgate.router.stream.StreamConsumer.builder(redis.uri(), "delivery")
            .start(new io.linkgate.router.stream.DeliveringConsumer(service));
    open.add(consumer);
    String msgId = alice.acked.keySet().iterator().next();
    await().atMost(Duration.ofSeconds(10)).until(() -> bob.count(msgId) == 1 && alice.count(msgId) == 1);
    assertThat(bob.received.get(0).getFrom()).isEqualTo("alice");
    assertThat(bob.received.get(0).getPayload().toStringUtf8()).isEqualTo("alice#1");
  }

  @Test
  void redisDownFor5SecondsWithPersistenceLosesNoAcknowledgedSendAndFailsTheOthersExplicitly() throws Exception {
    List<GatewayProcess> nodes = gateways(2, true);
    // One attempt per send: a failure is not retried away.
    List<ClusterDevice> devices = devices(nodes, "p", 12, i -> i % 2, 1);
    Sender sender = new Sender(devices);
    sender.start();
    Thread.sleep(2000);
    redis.kill();
    Thread.sleep(5000);
    redis.restart(); // same data directory: the append-only file has every acknowledged write
    Thread.sleep(4000);
    sender.stopAndJoin();

    int failed = devices.stream().mapToInt(d -> d.failedSends.get()).sum();
    long slowest = devices.stream().mapToLong(d -> d.slowestFailureMs.get()).max().orElse(0);
    List<String> reasons = devices.stream().flatMap(d -> d.failures.stream()).distinct().toList();
    System.out.printf("redis outage: %d sends failed (slowest failure %d ms): %s%n", failed, slowest, reasons);
    assertThat(failed).as("sends during the outage failed").isGreaterThan(0);
    assertThat(reasons).allMatch(r -> r.contains("UNAVAILABLE"), "every failure says UNAVAILABLE");
    assertThat(slowest).as("a failed send fails within a bounded time").isLessThan(5000);
    assertThat(devices).allMatch(d -> d.resyncEpochs.isEmpty(), "nobody had to resync");
    assertEveryAckedSendDeliveredExactlyOnceAndSeqsGapFree(devices);
  }

  @Test
  void redisRestartedWithoutItsDataStartsANewEpochThatClientsResyncTo() throws Exception {
    List<GatewayProcess> nodes = gateways(2, false);
    List<ClusterDevice> devices = devices(nodes, "e", 6, i -> i % 2, 5);
    Sender sender = new Sender(devices);
    sender.start();
    Thread.sleep(1500);
    redis.kill();
    Thread.sleep(2000);
    redis.restart(); // empty
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .alias("every device told to resync into a new epoch")
        .until(() -> devices.stream().allMatch(d -> !d.resyncEpochs.isEmpty()));
    Thread.sleep(2000);
    sender.stopAndJoin();
    for (ClusterDevice d : devices) {
      String now = redis.command("HGET", "lg:{u:" + d.user + "}:seq", "e");
      assertThat(d.resyncEpochs).as(d.user + " resynced into the store's epoch").last().isEqualTo(now);
      assertThat(now).isNotEqualTo(d.firstEpoch);
      long last = Long.parseLong(redis.command("HGET", "lg:{u:" + d.user + "}:seq", "s"));
      await().atMost(Duration.ofSeconds(15)).until(() -> d.received.size() >= last);
      assertThat(d.seqs()).as(d.user + " seqs in the new epoch")
          .containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
    }
  }

  @Test
  void aReconnectStormSettlesWithinItsBoundsAndLeavesNoEntryOfADeadSession() throws Exception {
    List<GatewayProcess> nodes = gateways(2);
    Router observer = observer();
    int users = 150;
    List<ClusterDevice> devices = devices(nodes, "s", users, i -> 0, 5); // every connection on gw-0
    GatewayProcess victim = nodes.get(0);
    victim.kill(); // every connection of the node reset at once
    long resetAt = System.nanoTime();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .alias("every client reconnected")
        .until(() -> devices.stream().allMatch(ClusterDevice::connected));
    long reconnectedMs = (System.nanoTime() - resetAt) / 1_000_000;
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .alias("registry: one entry per device, on the surviving node, none of the dead one")
        .until(() -> registryHoldsOnlyLiveSessions(devices, "gw-1"));
    System.out.printf(
        "storm: %d clients reconnected after %d ms, registry consistent after %d ms%n",
        users, reconnectedMs, (System.nanoTime() - resetAt) / 1_000_000);
    assertThat(allOnSurvivors(observer, devices, victim.nodeId())).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> "0".equals(String.valueOf(redis.command("EXISTS", "lg:{n:gw-0}:users").substring(1))));
  }

  private boolean registryHoldsOnlyLiveSessions(List<ClusterDevice> devices, String liveNode) {
    for (ClusterDevice d : devices) {
      String key = "lg:{u:" + d.user + "}:sess";
      if (!":1".equals(redis.command("HLEN", key))) {
        return false;
      }
      String entry = redis.command("HGET", key, d.user + "-phone");
      if (entry == null || !entry.split("\t")[1].equals(liveNode)) {
        return false;
      }
    }
    return true;
  }

  private static boolean allOnSurvivors(Router observer, List<ClusterDevice> devices, String dead) {
    for (ClusterDevice d : devices) {
      if (!d.connected()) {
        return false;
      }
      List<DeviceSession> sessions = observer.sessionsOf(d.user).toCompletableFuture().join();
      if (sessions.size() != 1 || sessions.get(0).nodeId().equals(dead)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Every acknowledged send reached its recipient once and its sender's own copy once; every
   * device saw seqs 1..N with no gap and no duplicate, N being the last seq the store assigned.
   */
  private void assertEveryAckedSendDeliveredExactlyOnceAndSeqsGapFree(List<ClusterDevice> devices) {
    Map<String, ClusterDevice> byUser = new java.util.HashMap<>();
    devices.forEach(d -> byUser.put(d.user, d));
    int acked = devices.stream().mapToInt(d -> d.acked.size()).sum();
    assertThat(acked).as("acknowledged sends").isGreaterThan(devices.size() * 5);
    for (ClusterDevice d : devices) {
      long last = Long.parseLong(redis.command("HGET", "lg:{u:" + d.user + "}:seq", "s"));
      await().atMost(Duration.ofSeconds(15)).alias(d.user + " received up to seq " + last)
          .until(() -> d.received.size() >= last);
      assertThat(d.seqs()).as(d.user + " seqs").containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
    }
    for (ClusterDevice d : devices) {
      d.acked.forEach(
          (msgId, to) -> {
            assertThat(byUser.get(to).count(msgId)).as("%s's message %s at %s", d.user, msgId, to).isEqualTo(1);
            assertThat(d.count(msgId)).as("%s's own copy of %s", d.user, msgId).isEqualTo(1);
          });
    }
  }

  /** Every device sends to the next one every 100 ms, until stopped. */
  private static final class Sender extends Thread {
    private final List<ClusterDevice> devices;
    private volatile boolean running = true;

    Sender(List<ClusterDevice> devices) {
      super("cluster-test-sender");
      setDaemon(true);
      this.devices = devices;
    }

    @Override
    public void run() {
      while (running) {
        for (int i = 0; i < devices.size(); i++) {
          devices.get(i).sendTo(devices.get((i + 1) % devices.size()).user);
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void stopAndJoin() throws InterruptedException {
      running = false;
      join();
      await().atMost(Duration.ofSeconds(20)).alias("every send answered (retries included)")
          .until(() -> devices.stream().allMatch(d -> d.inFlight.get() == 0));
    }
  }
}

package io.linkgate.router;

import static io.linkgate.router.Fixtures.connect;
import static io.linkgate.router.Fixtures.failure;
import static io.linkgate.router.Fixtures.join;
import static io.linkgate.router.Fixtures.send;
import static io.linkgate.router.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.testing.RedisServerProcess;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.FrameCodec;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.transport.FrameAnswers;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.PushAck;
import io.linkgate.api.proto.Subscribe;
import io.linkgate.api.proto.Welcome;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.router.store.RedisRouterStore;
import io.linkgate.router.store.RouterStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routers as nodes of one cluster, each with its own store on one real redis-server. */
class RedisClusterTest {
  private RedisServerProcess redis;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void startRedis() {
    redis = RedisServerProcess.start();
  }

  @AfterEach
  void stopAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    redis.close();
  }

  private RouterStore store() {
    return store(Duration.ofMillis(500));
  }

  private RouterStore store(Duration commandTimeout) {
    RouterStore s =
        RedisRouterStore.builder(redis.uri())
            .nodeTtl(Duration.ofSeconds(1))
            .commandTimeout(commandTimeout)
            .connect();
    open.add(s);
    return s;
  }

  /** A node whose near cache would hold a lookup for a minute unless told of a change. */
  private Router node(String id) {
    return node(id, store());
  }

  private Router node(String id, RouterStore store) {
    Router r = Fixtures.router().nodeId(id).store(store).sessionCacheTtl(Duration.ofMinutes(1)).build();
    open.add(r);
    return r;
  }

  @Test
  void pushFromOneNodeReachesADeviceOnAnotherInSeqOrder() {
    Router n1 = node("n1");
    Router n2 = node("n2");
    RecordingChannel bob = new RecordingChannel();
    connect(n2, "bob", "phone", 0, bob);
    for (int i = 1; i <= 50; i++) {
      assertThat(join(n1.push("bob", text("m" + i))).getSeq()).isEqualTo(i);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> bob.seqs().size() == 50);
    assertThat(bob.seqs()).containsExactlyElementsOf(range(1, 50));
    assertThat(bob.pushes().get(49).getPayload().toStringUtf8()).isEqualTo("m50");
    // Relayed as bytes, unparsed: the same bytes the frame encodes to, as a byte transport writes.
    for (EncodedFrame f : bob.encoded()) {
      assertThat(f.bytes()).isEqualTo(FrameCodec.encode(f.frame()));
    }
  }

  @Test
  void concurrentPushesToOneUserTakeSeqsInTheOrderTheyWereMadeFromTheFirstCallOn() {
    Router n1 = node("n1"); // a fresh store: its scripts have never run
    List<java.util.concurrent.CompletionStage<io.linkgate.api.proto.Push>> pushes = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      pushes.add(n1.push("bob", text("m" + i)));
    }
    for (int i = 1; i <= 50; i++) {
      io.linkgate.api.proto.Push p = join(pushes.get(i - 1));
      assertThat(p.getSeq()).as("seq of m" + i).isEqualTo(i);
    }
  }

  @Test
  void pushesToManyUsersFromSeveralThreadsShareScriptCallsAndKeepEachThreadsOrderPerUser() throws Exception {
    // Thousands of pushes at once: a loaded machine may take longer than the other tests' timeout.
    Router n1 = node("n1", store(Duration.ofSeconds(10)));
    Router n2 = node("n2");
    Router n3 = node("n3");
    int users = 100;
    int threads = 4;
    int perThread = 20;
    List<RecordingChannel> phones = new ArrayList<>();
    List<RecordingChannel> tablets = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      RecordingChannel phone = new RecordingChannel();
      connect(n2, "u" + u, "phone", 0, phone);
      phones.add(phone);
      // Every other user has a second device on a third node: one call tells both nodes.
      if (u % 2 == 0) {
        RecordingChannel tablet = new RecordingChannel();
        connect(n3, "u" + u, "tablet", 0, tablet);
        tablets.add(tablet);
      }
    }
    long callsBefore = evalshaCalls();
    List<Thread> pushers = new ArrayList<>();
    List<java.util.concurrent.CompletionStage<io.linkgate.api.proto.Push>> all =
        java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread pusher =
          new Thread(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  for (int u = 0; u < users; u++) {
                    all.add(n1.push("u" + u, text(thread + ":" + i)));
                  }
                }
              });
      pusher.start();
      pushers.add(pusher);
    }
    for (Thread p : pushers) {
      p.join();
    }
    all.forEach(Fixtures::join);
    long calls = evalshaCalls() - callsBefore;
    int pushes = users * threads * perThread;
    assertThat(calls).as("script calls for %d pushes", pushes).isLessThan(pushes);

    List<RecordingChannel> everyDevice = new ArrayList<>(phones);
    everyDevice.addAll(tablets);
    await().atMost(Duration.ofSeconds(20)).until(() -> everyDevice.stream().allMatch(d -> d.seqs().size() == threads * perThread));
    for (RecordingChannel device : everyDevice) {
      assertThat(device.seqs()).containsExactlyElementsOf(range(1, threads * perThread));
      for (int t = 0; t < threads; t++) {
        String prefix = t + ":";
        List<String> fromThread =
            device.pushes().stream().map(p -> p.getPayload().toStringUtf8()).filter(m -> m.startsWith(prefix)).toList();
        List<String> inCallOrder = new ArrayList<>();
        for (int i = 0; i < perThread; i++) {
          inCallOrder.add(prefix + i);
        }
        assertThat(fromThread).containsExactlyElementsOf(inCallOrder);
      }
    }
  }

  private long evalshaCalls() {
    String stats = redis.command("INFO", "commandstats");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("cmdstat_evalsha:calls=(\\d+)").matcher(stats);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  @Test
  void burstFromPushAllArrivesWholeOnTheOtherNode() {
    Router n1 = node("n1");
    Router n2 = node("n2");
    RecordingChannel bob = new RecordingChannel();
    connect(n2, "bob", "phone", 0, bob);
    List<Message> burst = new ArrayList<>();
    for (int i = 1; i <= 1200; i++) {
      burst.add(text("b" + i));
    }
    assertThat(join(n1.pushAll("bob", burst))).hasSize(1200);
    await().atMost(Duration.ofSeconds(10)).until(() -> bob.seqs().size() == 1200);
    assertThat(bob.seqs()).containsExactlyElementsOf(range(1, 1200));
  }

  @Test
  void pushesKeepAnInboxAliveAndAnIdleOneExpiresWithItsSeqSpace() throws Exception {
    Duration ttl = Duration.ofMillis(1600);
    RouterStore store =
        RedisRouterStore.builder(redis.uri()).inboxIdleTtl(ttl).commandTimeout(Duration.ofSeconds(5)).connect();
    open.add(store);
    Router n1 = node("n1", store);
    String firstEpoch = null;
    long until = System.nanoTime() + Duration.ofMillis(3 * ttl.toMillis()).toNanos();
    while (System.nanoTime() < until) {
      join(n1.push("bob", text("still here")));
      for (String key : List.of("lg:{u:bob}:seq", "lg:{u:bob}:inbox")) {
        long pttl = Long.parseLong(redis.command("PTTL", key).substring(1).trim());
        assertThat(pttl).as("PTTL of %s", key).isBetween(1L, ttl.toMillis());
      }
      Thread.sleep(50);
    }
    long pushed = join(n1.push("bob", text("last"))).getSeq();
    assertThat(pushed).as("one seq space while in use").isGreaterThan(10);
    await().atMost(Duration.ofSeconds(10)).until(() -> redis.command("EXISTS", "lg:{u:bob}:seq", "lg:{u:bob}:inbox").equals(":0"));
    assertThat(join(n1.push("bob", text("after a long silence"))).getSeq()).as("a new seq space").isEqualTo(1);
  }

  @Test
  void deviceMovingToAnotherNodeResumesWithNothingLostOrDoubled() {
    Router n1 = node("n1");
    Router n2 = node("n2");
    RecordingChannel first = new RecordingChannel();
    DownlinkSession s1 = connect(n1, "bob", "phone", 0, first);
    for (int i = 1; i <= 10; i++) {
      join(n1.push("bob", text("m" + i)));
    }
    join(s1.onFrame(Frame.newBuilder().setPushAck(PushAck.newBuilder().setUpToSeq(6)).build()));
    String epoch = first.welcome().getEpoch();
    s1.onClosed();
    for (int i = 11; i <= 15; i++) {
      join(n2.push("bob", text("m" + i)));
    }
    RecordingChannel second = new RecordingChannel();
    Hello resume = Fixtures.downHello("bob", "phone", 6).toBuilder().setResumeEpoch(epoch).build();
    join(n2.openDownlink(resume, Fixtures.DOWN, second));
    Welcome w = second.welcome();
    assertThat(w.getResumed()).isTrue();
    assertThat(w.getEpoch()).isEqualTo(epoch);
    assertThat(w.getLastSeq()).isEqualTo(15);
    assertThat(second.seqs()).containsExactlyElementsOf(range(7, 15));
  }

  @Test
  void deviceTakenOverByAnotherNodeMidBurstIsDisplacedAndGetsEveryPushOnceInOrder() {
    Router n1 = node("n1");
    Router n2 = node("n2");
    Router sender = node("n3");
    RecordingChannel old = new RecordingChannel();
    connect(n1, "bob", "phone", 0, old);
    String epoch = old.welcome().getEpoch();
    List<java.util.concurrent.CompletionStage<io.linkgate.api.proto.Push>> inFlight = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      inFlight.add(sender.push("bob", text("m" + i)));
      if (i == 30) {
        await().atMost(Duration.ofSeconds(5)).until(() -> !old.seqs().isEmpty());
      }
    }
    // The device resumes on n2 from the last seq it got on n1, while pushes still flow.
    List<Long> beforeMove = old.seqs();
    long resumeFrom = beforeMove.get(beforeMove.size() - 1);
    RecordingChannel moved = new RecordingChannel();
    Hello resume = Fixtures.downHello("bob", "phone", resumeFrom).toBuilder().setResumeEpoch(epoch).build();
    join(n2.openDownlink(resume, Fixtures.DOWN, moved));
    inFlight.forEach(Fixtures::join);

    await().atMost(Duration.ofSeconds(5)).until(() -> old.closedWith() != null);
    assertThat(old.closedWith().getGoAway().getReason()).contains("replaced");
    await().atMost(Duration.ofSeconds(5)).until(() -> moved.seqs().size() == 100 - resumeFrom);
    List<Long> seen = new ArrayList<>(beforeMove);
    seen.addAll(moved.seqs());
    assertThat(seen).containsExactlyElementsOf(range(1, 100));
    assertThat(join(sender.sessionsOf("bob"))).extracting(DeviceSession::nodeId).containsExactly("n2");
  }

  @Test
  void lostUserKeysStartANewEpochAndResumingClientsAreToldToResync() {
    Router n1 = node("n1");
    RecordingChannel first = new RecordingChannel();
    DownlinkSession s = connect(n1, "bob", "phone", 0, first);
    join(n1.push("bob", text("m1")));
    join(n1.push("bob", text("m2")));
    String oldEpoch = first.welcome().getEpoch();
    s.onClosed();
    assertThat(redis.command("FLUSHALL")).isEqualTo("+OK");
    join(n1.push("bob", text("after flush")));
    RecordingChannel back = new RecordingChannel();
    Hello resume = Fixtures.downHello("bob", "phone", 2).toBuilder().setResumeEpoch(oldEpoch).build();
    join(n1.openDownlink(resume, Fixtures.DOWN, back));
    assertThat(back.welcome().getResumed()).isFalse();
    assertThat(back.welcome().getEpoch()).isNotEqualTo(oldEpoch);
    assertThat(back.seqs()).containsExactly(1L);
    assertThat(back.pushes().get(0).getPayload().toStringUtf8()).isEqualTo("after flush");
  }

  private Router nodeWithInboxesOf(int capacity) {
    return node("n1", storeWithInboxesOf(capacity));
  }

  private RouterStore storeWithInboxesOf(int capacity) {
    RouterStore store =
        RedisRouterStore.builder(redis.uri()).inboxCapacity(capacity).nodeTtl(Duration.ofSeconds(1)).connect();
    open.add(store);
    return store;
  }

  @Test
  void aStoreTellsItsInboxBoundAndABatchIntoASmallInboxReachesTheDeviceWhole() {
    RouterStore store = storeWithInboxesOf(8);
    assertThat(store.inboxes().capacity()).hasValue(8); // pieces of 2 sends an append
    Router n1 = node("n1", store);
    RecordingChannel bob = new RecordingChannel();
    connect(n1, "bob", "phone", 0, bob);
    List<Frame> batch = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      batch.add(send("c-" + i, "user:bob", "m" + i));
    }
    List<Frame> answers = join(FrameAnswers.all(Fixtures.uplink(n1, "alice", "phone").handleAll(batch)));
    assertThat(answers).as("answers").allMatch(Frame::hasSendAck);
    await().atMost(Duration.ofSeconds(5)).until(() -> bob.seqs().size() == 6);
    assertThat(bob.seqs()).containsExactlyElementsOf(range(1, 6));
    assertThat(bob.pushes()).extracting(p -> p.getPayload().toStringUtf8())
        .containsExactly("m1", "m2", "m3", "m4", "m5", "m6");
  }

  @Test
  void inboxKeepsOnlyItsBoundAndSaysWhenAResumeIsIncomplete() {
    Router n1 = nodeWithInboxesOf(5);
    for (int i = 1; i <= 12; i++) {
      join(n1.push("bob", text("m" + i)));
    }
    assertThat(redis.command("LLEN", "lg:{u:bob}:inbox")).isEqualTo(":5");
    RecordingChannel ch = new RecordingChannel();
    connect(n1, "bob", "phone", 3, ch);
    assertThat(ch.welcome().getResumed()).isFalse();
    assertThat(ch.seqs()).containsExactlyElementsOf(range(8, 12));
    RecordingChannel ok = new RecordingChannel();
    connect(n1, "bob", "tablet", 7, ok);
    assertThat(ok.welcome().getResumed()).isTrue();
    assertThat(ok.seqs()).containsExactlyElementsOf(range(8, 12));
  }

  @Test
  void aFullInboxIsTrimmedAnEighthLateButResumesSeeOnlyItsBound() {
    Router n1 = nodeWithInboxesOf(16);
    for (int i = 1; i <= 18; i++) {
      join(n1.push("bob", text("m" + i)));
    }
    // 16 + 16/8 = 18 entries may sit in the list before it is cut back to 16.
    assertThat(redis.command("LLEN", "lg:{u:bob}:inbox")).isEqualTo(":18");
    RecordingChannel behind = new RecordingChannel();
    connect(n1, "bob", "phone", 1, behind);
    assertThat(behind.welcome().getResumed()).as("seq 2 is past the bound of 16").isFalse();
    assertThat(behind.seqs()).containsExactlyElementsOf(range(3, 18));
    RecordingChannel atTheBound = new RecordingChannel();
    connect(n1, "bob", "tablet", 2, atTheBound);
    assertThat(atTheBound.welcome().getResumed()).isTrue();
    assertThat(atTheBound.seqs()).containsExactlyElementsOf(range(3, 18));

    join(n1.push("bob", text("m19")));
    assertThat(redis.command("LLEN", "lg:{u:bob}:inbox")).isEqualTo(":16");
    RecordingChannel later = new RecordingChannel();
    connect(n1, "bob", "laptop", 3, later);
    assertThat(later.welcome().getResumed()).isTrue();
    assertThat(later.seqs()).containsExactlyElementsOf(range(4, 19));
  }

  @Test
  void sendRetriedOnAnotherNodeIsDeliveredOnceWithTheFirstMsgId() {
    Router n1 = node("n1");
    Router n2 = node("n2");
    RecordingChannel bob = new RecordingChannel();
    connect(n2, "bob", "phone", 0, bob);
    Frame first = join(Fixtures.uplink(n1, "alice", "phone").handle(send("c-1", "user:bob", "hi")));
    Frame retry = join(Fixtures.uplink(n2, "alice", "phone").handle(send("c-1", "user:bob", "hi")));
    assertThat(first.hasSendAck()).as("first answer %s", first).isTrue();
    assertThat(retry.hasSendAck()).as("retry answer %s", retry).isTrue();
    assertThat(retry.getSendAck().getMsgId()).isEqualTo(first.getSendAck().getMsgId());
    join(n1.push("bob", text("marker")));
    await().atMost(Duration.ofSeconds(5)).until(() -> bob.seqs().size() == 2);
    assertThat(bob.pushes().get(0).getPayload().toStringUtf8()).isEqualTo("hi");
    assertThat(bob.pushes().get(1).getPayload().toStringUtf8()).isEqualTo("marker");
  }

  @Test
  void aBatchRetriedOnAnotherNodeIsStoredOnceInOrderWithItsFirstMsgIds() {
    Router n1 = node("n1");
    Router n2 = node("n2");
    RecordingChannel bob = new RecordingChannel();
    connect(n2, "bob", "phone", 0, bob);
    List<Frame> batch =
        List.of(send("c-1", "user:bob", "one"), send("c-2", "user:bob", "two"), send("c-3", "user:bob", "three"));
    List<Frame> first = join(FrameAnswers.all(Fixtures.uplink(n1, "alice", "phone").handleAll(batch)));
    List<Frame> retry = join(FrameAnswers.all(Fixtures.uplink(n2, "alice", "phone").handleAll(batch)));
    assertThat(first).as("first answers").allMatch(Frame::hasSendAck);
    assertThat(retry).extracting(f -> f.getSendAck().getMsgId())
        .containsExactlyElementsOf(first.stream().map(f -> f.getSendAck().getMsgId()).toList());
    join(n1.push("bob", text("marker")));
    await().atMost(Duration.ofSeconds(5)).until(() -> bob.seqs().size() == 4);
    assertThat(bob.seqs()).containsExactly(1L, 2L, 3L, 4L);
    assertThat(bob.pushes()).extracting(p -> p.getPayload().toStringUtf8())
        .containsExactly("one", "two", "three", "marker");
  }

  @Test
  void lateUnregisterOfAnOldSessionLeavesTheNewerOneRegistered() {
    RouterStore s = store();
    io.linkgate.router.store.NoticeBus.Listener ignore =
        new io.linkgate.router.store.NoticeBus.Listener() {
          @Override
          public void onUserPush(String userId, io.linkgate.api.proto.Push push, String epoch) {}

          @Override
          public void onRoomPush(String room, io.linkgate.api.proto.Push push) {}
        };
    s.notices().subscribe("n1", ignore);
    // n2 must be alive too: lookups ignore the entries of nodes whose liveness key expired, and a
    // slow run can outlast the node ttl.
    store().notices().subscribe("n2", ignore);
    DeviceSession old = new DeviceSession("bob", "phone", "s-old", "n1", 0);
    DeviceSession newer = new DeviceSession("bob", "phone", "s-new", "n2", 0);
    join(s.sessions().register(old));
    join(s.sessions().register(newer));
    assertThat(join(s.sessions().unregister(old))).isFalse();
    assertThat(join(s.sessions().lookup("bob"))).containsExactly(newer);
    join(s.sessions().recordAck("bob", "phone", "s-old", 9));
    join(s.sessions().recordAck("bob", "phone", "s-new", 4));
    join(s.sessions().recordAck("bob", "phone", "s-new", 2));
    assertThat(join(s.sessions().lookup("bob"))).containsExactly(newer.withAckedSeq(4));
    assertThat(join(s.sessions().unregister(newer))).isTrue();
    assertThat(join(s.sessions().lookup("bob"))).isEmpty();
  }

  @Test
  void uplinkOnOneNodeAcksAndSubscribesTheDevicesDownlinkOnAnother() {
    Router n1 = node("n1");
    Router n2 = node("n2");
    RecordingChannel down = new RecordingChannel();
    connect(n1, "bob", "phone", 0, down);
    join(n1.push("bob", text("m1")));
    join(n1.push("bob", text("m2")));
    var up = Fixtures.uplink(n2, "bob", "phone");
    assertThat(join(up.handle(Frame.newBuilder().setPushAck(PushAck.newBuilder().setUpToSeq(2)).build())))
        .isEqualTo(Frame.getDefaultInstance());
    await().atMost(Duration.ofSeconds(3))
        .alias("the ack reached the downlink on n1, which recorded it")
        .until(() -> join(n1.sessionsOf("bob")).stream().anyMatch(s -> s.ackedSeq() == 2));
    assertThat(join(up.handle(Frame.newBuilder().setSubscribe(Subscribe.newBuilder().setRoom("r")).build())))
        .isEqualTo(Frame.getDefaultInstance());
    await().atMost(Duration.ofSeconds(3)).until(() -> n1.localRoomCount() == 1);
    join(n2.publishToRoom("r", text("to the room")));
    await().atMost(Duration.ofSeconds(3)).until(() -> down.pushes().size() == 3);
    var stranger = Fixtures.uplink(n2, "bob", "laptop");
    Frame refused = join(stranger.handle(Frame.newBuilder().setPushAck(PushAck.newBuilder().setUpToSeq(1)).build()));
    assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  void kickThroughOneNodeClosesTheDeviceOnAnother() {
    Router n1 = node("n1");
    Router n2 = node("n2");
    RecordingChannel phone = new RecordingChannel();
    connect(n2, "bob", "phone", 0, phone);
    assertThat(join(n1.kick("bob", "phone", "kicked by an operator"))).isEqualTo(1);
    await().atMost(Duration.ofSeconds(3)).until(() -> phone.closedWith() != null);
    assertThat(phone.closedWith().getGoAway().getReason()).isEqualTo("kicked by an operator");
  }

  @Test
  void nearCacheOnOneNodeSeesADeviceThatConnectedToAnother() {
    Router n1 = node("n1");
    Router n2 = node("n2");
    assertThat(join(n1.sessionsOf("bob"))).isEmpty(); // now cached for a minute
    DownlinkSession s = connect(n2, "bob", "phone", 0, new RecordingChannel());
    await().atMost(Duration.ofSeconds(3)).until(() -> join(n1.sessionsOf("bob")).size() == 1);
    assertThat(join(n1.sessionsOf("bob")).get(0).nodeId()).isEqualTo("n2");
    s.onClosed();
    await().atMost(Duration.ofSeconds(3)).until(() -> join(n1.sessionsOf("bob")).isEmpty());
  }

  @Test
  void roomMessageReachesMembersOnEveryNodeAndOnlyNodesWithMembersSubscribe() {
    Router n1 = node("n1");
    Router n2 = node("n2");
    node("n3");
    RecordingChannel onN2 = new RecordingChannel();
    DownlinkSession member = connect(n2, "bob", "phone", 0, onN2);
    join(member.onFrame(Frame.newBuilder().setSubscribe(Subscribe.newBuilder().setRoom("live")).build()));
    await().atMost(Duration.ofSeconds(3)).until(() -> redis.command("PUBSUB", "NUMSUB", "lg:ch:room:live") != null
        && numsub("lg:ch:room:live") == 1);
    join(n1.publishToRoom("live", text("hello room")));
    await().atMost(Duration.ofSeconds(3)).until(() -> onN2.pushes().size() == 1);
    assertThat(onN2.pushes().get(0).getSeq()).isZero();
    member.onClosed();
    await().atMost(Duration.ofSeconds(3)).until(() -> numsub("lg:ch:room:live") == 0);
  }

  @Test
  void entriesOfANodeWhoseKeyExpiredAreIgnoredAndCleanedUpAndItsPushesKept() {
    Router n1 = node("n1");
    // A node that was killed: its entry stays, its liveness key is gone.
    redis.command("HSET", "lg:{u:bob}:sess", "phone", "s-ghost\tghost\t0");
    redis.command("SADD", "lg:{n:ghost}:users", "bob");
    redis.command("SADD", "lg:nodes", "ghost");
    await().atMost(Duration.ofSeconds(5)).until(() -> join(n1.sessionsOf("bob")).isEmpty() && !redis.command("HLEN", "lg:{u:bob}:sess").equals(":1"));
    assertThat(redis.command("SISMEMBER", "lg:nodes", "ghost")).isEqualTo(":0");
    // A push meanwhile is not swallowed: it is in the inbox for the next connect, anywhere.
    join(n1.push("bob", text("kept")));
    RecordingChannel back = new RecordingChannel();
    connect(node("n2"), "bob", "phone", 0, back);
    assertThat(back.pushes()).extracting(p -> p.getPayload().toStringUtf8()).containsExactly("kept");
  }

  @Test
  void whileRedisIsDownSendsFailFastAndNewDownlinksAreRefusedThenTheNodeCarriesOn() throws Exception {
    Router n1 = node("n1");
    RecordingChannel live = new RecordingChannel();
    connect(n1, "bob", "phone", 0, live);
    redis.kill();
    long t0 = System.nanoTime();
    Throwable pushFailed = failure(n1.push("bob", text("lost?")));
    assertThat(GatewayException.from(pushFailed).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    Frame answer = join(Fixtures.uplink(n1, "alice", "phone").handle(send("c-9", "user:bob", "x")));
    assertThat(answer.getError().getCode()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(answer.getError().getClientMsgId()).isEqualTo("c-9");
    Throwable refused = failure(n1.openDownlink(Fixtures.downHello("carol", "pc", 0), Fixtures.DOWN, new RecordingChannel()));
    assertThat(GatewayException.from(refused).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    assertThat(live.isOpen()).as("connected downlinks stay up").isTrue();

    redis.restart(); // empty: no persistence
    // The node notices its key is gone and writes its live sessions again.
    await().atMost(Duration.ofSeconds(15)).until(() -> "1".equals(hlenValue("lg:{u:bob}:sess")));
    assertThat(live.isOpen()).isTrue();
    assertThat(join(node("n2").sessionsOf("bob"))).extracting(DeviceSession::nodeId).containsExactly("n1");
  }

  private String hlenValue(String key) {
    try {
      return redis.command("HLEN", key).substring(1);
    } catch (AssertionError e) {
      return "";
    }
  }

  private int numsub(String channel) {
    // PUBSUB NUMSUB answers an array; count the subscribers with a second, simpler command.
    String reply = redis.command("EVAL", "return redis.call('PUBSUB','NUMSUB',ARGV[1])[2]", "0", channel);
    return Integer.parseInt(reply.substring(1));
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }
}

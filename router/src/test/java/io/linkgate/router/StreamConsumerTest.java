package io.linkgate.router;

import static io.linkgate.router.Fixtures.connect;
import static io.linkgate.router.Fixtures.join;
import static io.linkgate.router.Fixtures.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.lettuce.core.StreamMessage;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Send;
import io.linkgate.api.proto.Subscribe;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.api.transport.UplinkSession;
import io.linkgate.router.store.RedisRouterStore;
import io.linkgate.router.store.RouterStore;
import io.linkgate.router.stream.DeliveringConsumer;
import io.linkgate.router.stream.RedisStreamBusinessHandler;
import io.linkgate.router.stream.StreamConsumer;
import io.linkgate.router.stream.UplinkMessage;
import io.linkgate.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway storing sends in the stream, and a business service consuming it with a group and
 * delivering through its own embedded router, all on one real redis-server.
 */
class StreamConsumerTest {
  private static final String STREAM = "lg:uplink";
  private static final String GROUP = DeliveringConsumer.GROUP;

  private RedisServerProcess redis;
  private StreamPeek peek;
  private final List<AutoCloseable> open = new ArrayList<>();
  private Router gateway;

  @BeforeEach
  void startRedisAndGateway() {
    redis = RedisServerProcess.start();
    peek = new StreamPeek(redis.uri());
    RedisStreamBusinessHandler handler =
        RedisStreamBusinessHandler.builder(redis.uri()).commandTimeout(Duration.ofMillis(500)).connect();
    open.add(handler);
    gateway = Fixtures.router().nodeId("n1").store(store()).businessHandler(handler).build();
    open.add(gateway);
  }

  @AfterEach
  void stopAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    peek.close();
    redis.close();
  }

  private RouterStore store() {
    RouterStore s =
        RedisRouterStore.builder(redis.uri()).nodeTtl(Duration.ofSeconds(1)).commandTimeout(Duration.ofMillis(500)).connect();
    open.add(s);
    return s;
  }

  /** The business service's own router: embedded, no transport, its own store on the same Redis. */
  private Router service() {
    Router r = Fixtures.router().nodeId("svc").store(store()).build();
    open.add(r);
    return r;
  }

  private StreamConsumer consumer(StreamConsumer.Builder b, StreamConsumer.Handler handler) {
    StreamConsumer c = b.start(handler);
    open.add(c);
    return c;
  }

  private StreamConsumer.Builder group(String name) {
    return StreamConsumer.builder(redis.uri(), GROUP).consumerName(name).block(Duration.ofMillis(200));
  }

  private Frame sendAs(String user, String clientMsgId, String to, String text) {
    Frame answer = join(Fixtures.uplink(gateway, user, "phone").handle(send(clientMsgId, to, text)));
    assertThat(answer.hasSendAck()).as("answer %s", answer).isTrue();
    return answer;
  }

  @Test
  void messageToAUserReachesTheirDownlinkOnTheGatewayAndTheCopyReachesTheSender() {
    RecordingChannel bob = new RecordingChannel();
    RecordingChannel alice = new RecordingChannel();
    connect(gateway, "bob", "phone", 0, bob);
    connect(gateway, "alice", "tablet", 0, alice);
    consumer(group("svc"), new DeliveringConsumer(service()));

    Frame ack = sendAs("alice", "c-1", "user:bob", "hi bob");

    await().atMost(Duration.ofSeconds(5)).until(() -> bob.pushes().size() == 1 && alice.pushes().size() == 1);
    for (Push p : List.of(bob.pushes().get(0), alice.pushes().get(0))) {
      assertThat(p.getFrom()).isEqualTo("alice");
      assertThat(p.getTo()).isEqualTo("user:bob");
      assertThat(p.getPayload().toStringUtf8()).isEqualTo("hi bob");
      assertThat(p.getSeq()).isEqualTo(1);
      assertThat(p.getMsgId()).as("the msg id the sender was acked with").isEqualTo(ack.getSendAck().getMsgId());
      assertThat(p.getServerTimeMs()).isEqualTo(ack.getSendAck().getServerTimeMs());
    }
    await().atMost(Duration.ofSeconds(3)).until(() -> peek.pending(STREAM, GROUP) == 0);
  }

  @Test
  void messageToARoomReachesItsSubscribersOnTheGateway() {
    RecordingChannel bob = new RecordingChannel();
    DownlinkSession down = connect(gateway, "bob", "phone", 0, bob);
    join(down.onFrame(Frame.newBuilder().setSubscribe(Subscribe.newBuilder().setRoom("live")).build()));
    await().atMost(Duration.ofSeconds(3)).until(() -> numsub("lg:ch:room:live") == 1);
    consumer(group("svc"), new DeliveringConsumer(service()));

    sendAs("alice", "c-1", "room:live", "hello room");

    await().atMost(Duration.ofSeconds(5)).until(() -> bob.pushes().size() == 1);
    Push p = bob.pushes().get(0);
    assertThat(p.getSeq()).isZero();
    assertThat(p.getFrom()).isEqualTo("alice");
    assertThat(p.getPayload().toStringUtf8()).isEqualTo("hello room");
  }

  @Test
  void consumerSeesTheMessageAsTheGatewayAckedItWithTheAuthenticatedSender() {
    List<UplinkMessage> seen = new CopyOnWriteArrayList<>();
    consumer(group("svc"), m -> {
      seen.add(m);
      return CompletableFuture.completedFuture(null);
    });
    Frame send =
        Frame.newBuilder()
            .setSend(
                Send.newBuilder()
                    .setClientMsgId("c-7")
                    .setTo("user:bob")
                    .setPayload(ByteString.copyFrom(new byte[] {0, (byte) 0xff, 10, 13}))
                    .putHeaders("from", "admin")
                    .putHeaders("kind", "text"))
            .build();
    Frame ack = join(Fixtures.uplink(gateway, "alice", "laptop").handle(send));

    await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 1);
    UplinkMessage m = seen.get(0);
    assertThat(m.from()).isEqualTo("alice");
    assertThat(m.device()).isEqualTo("laptop");
    assertThat(m.to()).isEqualTo("user:bob");
    assertThat(m.clientMsgId()).isEqualTo("c-7");
    assertThat(m.msgId()).isEqualTo(ack.getSendAck().getMsgId());
    assertThat(m.serverTimeMs()).isEqualTo(ack.getSendAck().getServerTimeMs());
    assertThat(m.payload().toByteArray()).containsExactly(0, 0xff, 10, 13);
    assertThat(m.headers()).isEqualTo(Map.of("from", "admin", "kind", "text"));
    assertThat(m.id()).isEqualTo(peek.entries(STREAM).get(0).getId());
  }

  @Test
  void entriesADeadConsumerLeftPendingAreClaimedByAnotherAndDelivered() {
    RecordingChannel bob = new RecordingChannel();
    connect(gateway, "bob", "phone", 0, bob);
    assertThat(redis.command("XGROUP", "CREATE", STREAM, GROUP, "0", "MKSTREAM")).isEqualTo("+OK");
    for (int i = 1; i <= 3; i++) {
      sendAs("alice", "c-" + i, "user:bob", "m" + i);
    }
    // A consumer that read the entries and died before handling them.
    List<StreamMessage<String, byte[]>> taken = peek.readAndDie(STREAM, GROUP, "dead");
    assertThat(taken).hasSize(3);
    assertThat(peek.pending(STREAM, GROUP)).isEqualTo(3);

    consumer(group("alive").claimMinIdle(Duration.ofMillis(300)), new DeliveringConsumer(service()));

    await().atMost(Duration.ofSeconds(5)).until(() -> bob.pushes().size() == 3);
    assertThat(bob.pushes()).extracting(p -> p.getPayload().toStringUtf8()).containsExactly("m1", "m2", "m3");
    await().atMost(Duration.ofSeconds(3)).until(() -> peek.pending(STREAM, GROUP) == 0);
  }

  @Test
  void consumerRestartedUnderItsNameTakesUpItsOwnUnackedEntriesWithoutWaitingForAClaim() {
    assertThat(redis.command("XGROUP", "CREATE", STREAM, GROUP, "0", "MKSTREAM")).isEqualTo("+OK");
    sendAs("alice", "c-1", "user:bob", "m1");
    // "svc" read it in a previous life and was stopped before acking.
    assertThat(peek.readAndDie(STREAM, GROUP, "svc")).hasSize(1);
    List<UplinkMessage> seen = new CopyOnWriteArrayList<>();
    consumer(group("svc").claimMinIdle(Duration.ofMinutes(10)), m -> {
      seen.add(m);
      return CompletableFuture.completedFuture(null);
    });

    await().atMost(Duration.ofSeconds(3)).until(() -> seen.size() == 1);
    assertThat(seen.get(0).clientMsgId()).isEqualTo("c-1");
    await().atMost(Duration.ofSeconds(3)).until(() -> peek.pending(STREAM, GROUP) == 0);
  }

  @Test
  void entryWhoseHandlingFailedIsHandedOutAgainAfterClaimMinIdleAndAckedOnceHandled() {
    Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    consumer(group("svc").claimMinIdle(Duration.ofMillis(200)), m -> {
      int n = attempts.computeIfAbsent(m.clientMsgId(), k -> new AtomicInteger()).incrementAndGet();
      return n == 1
          ? CompletableFuture.failedFuture(new IllegalStateException("not yet"))
          : CompletableFuture.completedFuture(null);
    });
    sendAs("alice", "c-1", "user:bob", "m1");
    sendAs("alice", "c-2", "user:bob", "m2");

    await().atMost(Duration.ofSeconds(5))
        .until(() -> attempts.size() == 2 && attempts.values().stream().allMatch(a -> a.get() >= 2));
    await().atMost(Duration.ofSeconds(3)).until(() -> peek.pending(STREAM, GROUP) == 0);
    // Acked entries are never handed out again.
    await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
        .until(() -> attempts.values().stream().allMatch(a -> a.get() == 2));
  }

  @Test
  void noMoreThanMaxInFlightEntriesAreBeingHandledAtOnce() {
    Queue<CompletableFuture<Void>> held = new ConcurrentLinkedQueue<>();
    AtomicInteger handled = new AtomicInteger();
    consumer(group("svc").maxInFlight(3).batchSize(10), m -> {
      CompletableFuture<Void> f = new CompletableFuture<>();
      held.add(f);
      return f.whenComplete((v, e) -> handled.incrementAndGet());
    });
    for (int i = 1; i <= 10; i++) {
      sendAs("alice", "c-" + i, "user:bob", "m" + i);
    }

    while (handled.get() < 10) {
      int expected = Math.min(3, 10 - handled.get());
      await().atMost(Duration.ofSeconds(3)).until(() -> held.size() == expected);
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> held.size() == expected);
      CompletableFuture<Void> f;
      while ((f = held.poll()) != null) {
        f.complete(null);
      }
    }
    await().atMost(Duration.ofSeconds(3)).until(() -> peek.pending(STREAM, GROUP) == 0);
  }

  @Test
  void newGroupStartsAtTheBeginningByDefaultOrAtTheEndWhenAsked() {
    sendAs("alice", "c-old", "user:bob", "before any group");
    List<String> fromStart = new CopyOnWriteArrayList<>();
    List<String> fromEnd = new CopyOnWriteArrayList<>();
    consumer(StreamConsumer.builder(redis.uri(), "archive").block(Duration.ofMillis(200)), m -> {
      fromStart.add(m.clientMsgId());
      return CompletableFuture.completedFuture(null);
    });
    consumer(
        StreamConsumer.builder(redis.uri(), "live").groupStart(StreamConsumer.GroupStart.END).block(Duration.ofMillis(200)),
        m -> {
          fromEnd.add(m.clientMsgId());
          return CompletableFuture.completedFuture(null);
        });
    sendAs("alice", "c-new", "user:bob", "after");

    await().atMost(Duration.ofSeconds(5)).until(() -> fromStart.size() == 2 && fromEnd.size() == 1);
    assertThat(fromStart).containsExactly("c-old", "c-new");
    assertThat(fromEnd).containsExactly("c-new");
  }

  @Test
  void consumerCarriesOnAfterRedisRestartsEmpty() {
    List<String> seen = new CopyOnWriteArrayList<>();
    consumer(group("svc"), m -> {
      seen.add(m.clientMsgId());
      return CompletableFuture.completedFuture(null);
    });
    sendAs("alice", "c-1", "user:bob", "before");
    await().atMost(Duration.ofSeconds(3)).until(() -> seen.size() == 1);

    redis.restart(); // the stream and the group are gone
    UplinkSession alice = Fixtures.uplink(gateway, "alice", "phone");
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .until(() -> join(alice.handle(send("c-2", "user:bob", "after"))).hasSendAck());

    await().atMost(Duration.ofSeconds(20)).until(() -> seen.contains("c-2"));
    assertThat(seen).startsWith("c-1");
  }

  private int numsub(String channel) {
    String reply = redis.command("EVAL", "return redis.call('PUBSUB','NUMSUB',ARGV[1])[2]", "0", channel);
    return Integer.parseInt(reply.substring(1));
  }
}

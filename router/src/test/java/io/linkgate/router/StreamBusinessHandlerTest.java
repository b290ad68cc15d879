package io.linkgate.router;

import static io.linkgate.router.Fixtures.join;
import static io.linkgate.router.Fixtures.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.lettuce.core.StreamMessage;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Send;
import io.linkgate.api.transport.UplinkSession;
import io.linkgate.router.store.RedisRouterStore;
import io.linkgate.router.store.RouterStore;
import io.linkgate.router.stream.RedisStreamBusinessHandler;
import io.linkgate.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Gateway routers whose sends go to a Redis Stream, on a real redis-server. */
class StreamBusinessHandlerTest {
  private static final String STREAM = "lg:uplink";

  private RedisServerProcess redis;
  private StreamPeek peek;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void startRedis() {
    redis = RedisServerProcess.start();
    peek = new StreamPeek(redis.uri());
  }

  @AfterEach
  void stopAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    peek.close();
    redis.close();
  }

  private RedisStreamBusinessHandler handler(RedisStreamBusinessHandler.Builder b) {
    RedisStreamBusinessHandler h = b.connect();
    open.add(h);
    return h;
  }

  private RedisStreamBusinessHandler handler() {
    return handler(RedisStreamBusinessHandler.builder(redis.uri()));
  }

  /**
   * A gateway on the in-memory store: what the client gets then depends on the stream handler
   * alone, not on the shared dedup a Redis store would also write.
   */
  private Router gateway(String node, RedisStreamBusinessHandler handler) {
    Router r = Fixtures.router().nodeId(node).businessHandler(handler).build();
    open.add(r);
    return r;
  }

  /** A gateway as in a cluster: the Redis store, so the send dedup is shared with the other nodes. */
  private Router clusterGateway(String node, RedisStreamBusinessHandler handler) {
    RouterStore store =
        RedisRouterStore.builder(redis.uri()).nodeTtl(Duration.ofSeconds(1)).commandTimeout(Duration.ofMillis(500)).connect();
    open.add(store);
    Router r = Fixtures.router().nodeId(node).store(store).businessHandler(handler).build();
    open.add(r);
    return r;
  }

  @Test
  void sendIsAckedOnlyOnceRedisHasStoredItAndTheAckNamesTheStoredMsgId() {
    Router n1 = gateway("n1", handler(RedisStreamBusinessHandler.builder(redis.uri()).commandTimeout(Duration.ofSeconds(5))));
    UplinkSession alice = Fixtures.uplink(n1, "alice", "phone");
    // Redis holds every write (XADD included) until unpaused; reads still answer.
    assertThat(redis.command("CLIENT", "PAUSE", "20000", "WRITE")).isEqualTo("+OK");
    CompletableFuture<Frame> answer = alice.handle(send("c-1", "user:bob", "hi")).toCompletableFuture();
    await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> !answer.isDone());
    assertThat(peek.length(STREAM)).isZero();

    assertThat(redis.command("CLIENT", "UNPAUSE")).isEqualTo("+OK");
    Frame ack = join(answer);
    assertThat(ack.hasSendAck()).as("answer %s", ack).isTrue();
    assertThat(ack.getSendAck().getClientMsgId()).isEqualTo("c-1");
    List<StreamMessage<String, byte[]>> entries = peek.entries(STREAM);
    assertThat(entries).hasSize(1);
    Map<String, String> fields = StreamPeek.text(entries.get(0));
    assertThat(fields.get("msg_id")).isEqualTo(ack.getSendAck().getMsgId()).startsWith("n1-");
    assertThat(fields.get("server_time_ms")).isEqualTo(Long.toString(ack.getSendAck().getServerTimeMs()));
  }

  @Test
  void entryNamesTheAuthenticatedSenderAndAClientHeaderCannotPassForIt() {
    Router n1 = gateway("n1", handler());
    Frame forged =
        Frame.newBuilder()
            .setSend(
                Send.newBuilder()
                    .setClientMsgId("c-1")
                    .setTo("user:bob")
                    .setPayload(ByteString.copyFromUtf8("I am the admin"))
                    .putHeaders("from", "admin")
                    .putHeaders("device", "console"))
            .build();
    Frame ack = join(Fixtures.uplink(n1, "mallory", "laptop").handle(forged));
    assertThat(ack.hasSendAck()).as("answer %s", ack).isTrue();

    Map<String, String> fields = StreamPeek.text(peek.entries(STREAM).get(0));
    assertThat(fields.get("from")).isEqualTo("mallory");
    assertThat(fields.get("device")).isEqualTo("laptop");
    // The client's headers are kept, each under the prefix, where no gateway field can be.
    assertThat(fields).containsEntry("h.from", "admin").containsEntry("h.device", "console");
  }

  @Test
  void entryHoldsTheBinaryPayloadUnchangedAndOneFieldPerHeader() {
    Router n1 = gateway("n1", handler());
    byte[] binary = new byte[256];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) i;
    }
    Frame frame =
        Frame.newBuilder()
            .setSend(
                Send.newBuilder()
                    .setClientMsgId("c-bin")
                    .setTo("room:live")
                    .setPayload(ByteString.copyFrom(binary))
                    .putHeaders("content-type", "image/png")
                    .putHeaders("trace", "t-1"))
            .build();
    assertThat(join(Fixtures.uplink(n1, "alice", "tablet").handle(frame)).hasSendAck()).isTrue();

    StreamMessage<String, byte[]> entry = peek.entries(STREAM).get(0);
    assertThat(entry.getBody().get("payload")).isEqualTo(binary);
    Map<String, String> fields = StreamPeek.text(entry);
    assertThat(fields.keySet())
        .containsExactlyInAnyOrder(
            "from", "device", "to", "client_msg_id", "msg_id", "server_time_ms", "h.content-type", "h.trace", "payload");
    assertThat(fields)
        .containsEntry("to", "room:live")
        .containsEntry("client_msg_id", "c-bin")
        .containsEntry("h.content-type", "image/png")
        .containsEntry("h.trace", "t-1");
  }

  @Test
  void sendToNoUserOrRoomIsRefusedInvalidArgumentAndNothingIsStored() {
    Router n1 = gateway("n1", handler());
    UplinkSession alice = Fixtures.uplink(n1, "alice", "phone");
    List<String> bad = List.of("bob", "user:", "room:", "group:g", "user:" + "x".repeat(257));
    for (int i = 0; i < bad.size(); i++) {
      Frame answer = join(alice.handle(send("c-" + i, bad.get(i), "x")));
      assertThat(answer.getError().getCode()).as("to=%s: %s", bad.get(i), answer).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(answer.getError().getClientMsgId()).isEqualTo("c-" + i);
    }
    assertThat(peek.length(STREAM)).isZero();
  }

  @Test
  void whileRedisIsDownASendIsAnsweredUnavailableWithItsClientMsgIdAndItsRetryIsStoredOnceRedisIsBack() {
    Router n1 = gateway("n1", handler(RedisStreamBusinessHandler.builder(redis.uri()).commandTimeout(Duration.ofMillis(500))));
    UplinkSession alice = Fixtures.uplink(n1, "alice", "phone");
    assertThat(join(alice.handle(send("c-1", "user:bob", "before"))).hasSendAck()).isTrue();

    redis.kill();
    long t0 = System.nanoTime();
    Frame answer = join(alice.handle(send("c-2", "user:bob", "during")));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    assertThat(answer.hasSendAck()).as("answer %s", answer).isFalse();
    assertThat(answer.getError().getCode()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(answer.getError().getClientMsgId()).isEqualTo("c-2");

    redis.restart(); // empty: no persistence
    // A refused send is not remembered as answered: the client's retry is handled for real.
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .until(() -> join(alice.handle(send("c-2", "user:bob", "during"))).hasSendAck());
    List<StreamMessage<String, byte[]>> entries = peek.entries(STREAM);
    assertThat(entries).hasSize(1);
    assertThat(StreamPeek.text(entries.get(0))).containsEntry("client_msg_id", "c-2");
  }

  @Test
  void sendRedisDoesNotAnswerWithinTheCommandTimeoutIsAnsweredUnavailable() {
    Router n1 = gateway("n1", handler(RedisStreamBusinessHandler.builder(redis.uri()).commandTimeout(Duration.ofMillis(300))));
    UplinkSession alice = Fixtures.uplink(n1, "alice", "phone");
    assertThat(redis.command("CLIENT", "PAUSE", "3000", "WRITE")).isEqualTo("+OK");
    long t0 = System.nanoTime();
    Frame answer = join(alice.handle(send("c-1", "user:bob", "slow")));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    redis.command("CLIENT", "UNPAUSE");
    assertThat(answer.getError().getCode()).as("answer %s", answer).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(answer.getError().getClientMsgId()).isEqualTo("c-1");
    assertThat(took).isBetween(Duration.ofMillis(250), Duration.ofSeconds(2));
  }

  @Test
  void sendRetriedOnTheSameGatewayOrAnotherIsAppendedOnceAndAckedWithTheFirstMsgId() {
    Router n1 = clusterGateway("n1", handler());
    Router n2 = clusterGateway("n2", handler());
    Frame first = join(Fixtures.uplink(n1, "alice", "phone").handle(send("c-1", "user:bob", "hi")));
    Frame sameNode = join(Fixtures.uplink(n1, "alice", "phone").handle(send("c-1", "user:bob", "hi")));
    Frame otherNode = join(Fixtures.uplink(n2, "alice", "phone").handle(send("c-1", "user:bob", "hi")));
    assertThat(first.hasSendAck()).as("first %s", first).isTrue();
    assertThat(sameNode).isEqualTo(first);
    assertThat(otherNode.getSendAck().getMsgId()).isEqualTo(first.getSendAck().getMsgId());
    // Another user's c-1 is another message.
    assertThat(join(Fixtures.uplink(n2, "carol", "phone").handle(send("c-1", "user:bob", "yo"))).hasSendAck()).isTrue();

    List<StreamMessage<String, byte[]>> entries = peek.entries(STREAM);
    assertThat(entries).extracting(e -> StreamPeek.text(e).get("from")).containsExactly("alice", "carol");
  }

  @Test
  void streamIsTrimmedToAboutItsMaxLen() {
    Router n1 =
        gateway("n1", handler(RedisStreamBusinessHandler.builder(redis.uri()).stream("lg:small").maxLen(50)));
    UplinkSession alice = Fixtures.uplink(n1, "alice", "phone");
    List<CompletionStage<Frame>> answers = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      answers.add(alice.handle(send("c-" + i, "room:r", "m" + i)));
    }
    answers.forEach(a -> assertThat(join(a).hasSendAck()).isTrue());
    // Approximate trimming drops whole nodes of entries (100 each by default), never below the bound.
    assertThat(peek.length("lg:small")).isBetween(50L, 250L);
    assertThat(peek.length(STREAM)).isZero();
  }
}

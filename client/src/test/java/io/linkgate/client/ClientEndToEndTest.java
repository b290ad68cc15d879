package io.linkgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.SendAck;
import io.linkgate.router.BusinessHandler;
import io.linkgate.router.DeviceSession;
import io.linkgate.router.Hs256Authenticator;
import io.linkgate.router.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against a real node: the router behind the TCP transport, on loopback. */
class ClientEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Backoff FAST = new Backoff(
      Duration.ofMillis(20), Duration.ofMillis(500), 2.0, 0.5, Duration.ofSeconds(30));

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private Node node(BusinessHandler handler) throws Exception {
    Node n = Node.start(handler);
    resources.add(n);
    return n;
  }

  private LinkgateClient.Builder builder(Node node, String user, String device) {
    return LinkgateClient.builder()
        .downlinkEndpoints(List.of(node.downlinkEndpoint()))
        .uplinkEndpoints(List.of(node.uplinkEndpoint()))
        .token(Node.token(user))
        .deviceId(device)
        .backoff(FAST);
  }

  private LinkgateClient connected(LinkgateClient.Builder b, Recorder r) throws Exception {
    LinkgateClient c = b.pushListener(r).stateListener(r).build();
    resources.add(c);
    c.connect().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    return c;
  }

  private LinkgateClient sender(Node node, String user) {
    LinkgateClient c = LinkgateClient.builder()
        .uplinkEndpoints(List.of(node.uplinkEndpoint()))
        .token(Node.token(user))
        .deviceId(user + "-sender")
        .backoff(FAST)
        .build();
    resources.add(c);
    return c;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(Push p) {
    return p.getPayload().toStringUtf8();
  }

  private static List<String> texts(Recorder r) {
    return r.pushes.stream().map(ClientEndToEndTest::text).toList();
  }

  private static SendAck ack(CompletionStage<SendAck> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void twoClientsExchangeMessagesAndTheSenderGetsItsCopy() throws Exception {
    Node node = node(null);
    Recorder alice = new Recorder();
    Recorder bob = new Recorder();
    LinkgateClient aliceClient = connected(builder(node, "alice", "alice-phone"), alice);
    LinkgateClient bobClient = connected(builder(node, "bob", "bob-phone"), bob);

    SendAck sent = ack(aliceClient.send("user:bob", utf8("hi bob")));
    assertThat(sent.getMsgId()).isNotEmpty();
    ack(bobClient.send("user:alice", utf8("hi alice")));

    await().atMost(WAIT).until(() -> bob.pushes.size() >= 2 && alice.pushes.size() >= 2);
    Push atBob = bob.pushes.get(0);
    assertThat(atBob.getFrom()).isEqualTo("alice");
    assertThat(text(atBob)).isEqualTo("hi bob");
    assertThat(atBob.getMsgId()).isEqualTo(sent.getMsgId());
    assertThat(alice.pushes.get(0).getMsgId()).isEqualTo(sent.getMsgId()); // the sender's copy
    // Each side saw each message exactly once: its own copy and the other's message.
    assertThat(texts(bob)).containsExactly("hi bob", "hi alice");
    assertThat(texts(alice)).containsExactly("hi bob", "hi alice");
    assertThat(bob.seqs()).containsExactly(1L, 2L);
  }

  @Test
  void acksReachTheRouter() throws Exception {
    Node node = node(null);
    Recorder bob = new Recorder();
    LinkgateClient client = connected(builder(node, "bob", "bob-phone"), bob);
    for (int i = 1; i <= 40; i++) {
      node.router.push("bob", Message.of("system", "user:bob", utf8("n" + i)));
    }

    await().atMost(WAIT).until(() -> client.cursor().seq() == 40);
    await().atMost(WAIT).untilAsserted(() -> {
      List<DeviceSession> sessions = node.router.sessionsOf("bob").toCompletableFuture().get();
      assertThat(sessions).singleElement().extracting(DeviceSession::ackedSeq).isEqualTo(40L);
    });
  }

  @Test
  void everyMessageArrivesOnceAndInOrderAcrossADroppedDownlink() throws Exception {
    Node node = node(null);
    Recorder bob = new Recorder();
    connected(builder(node, "bob", "bob-phone"), bob);
    LinkgateClient alice = sender(node, "alice");

    // Three bursts; the downlink is dropped twice while messages are on their way.
    List<CompletableFuture<SendAck>> sends = new ArrayList<>();
    for (int burst = 0; burst < 3; burst++) {
      for (int i = burst * 100; i < (burst + 1) * 100; i++) {
        sends.add(alice.send("user:bob", utf8("m" + i)).toCompletableFuture());
      }
      if (burst < 2) {
        int seen = burst * 100 + 1;
        await().atMost(WAIT).until(() -> bob.pushes.size() >= seen);
        node.restartDownlink();
      }
    }
    CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> bob.pushes.size() >= 300);
    // A barrier: anything doubled would have arrived before this last push.
    node.router.push("bob", Message.of("system", "user:bob", utf8("last")));
    await().atMost(WAIT).until(() -> texts(bob).contains("last"));
    assertThat(bob.seqs()).containsExactlyElementsOf(LongStream.rangeClosed(1, 301).boxed().toList());
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      expected.add("m" + i);
    }
    expected.add("last");
    assertThat(texts(bob)).hasSize(301).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(bob.states).contains(ConnectionState.DISCONNECTED, ConnectionState.RECONNECTING);
    assertThat(bob.count(ConnectionState.CONNECTED)).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aRestartedAppResumesFromItsPersistedCursor() throws Exception {
    Node node = node(null);
    Recorder first = new Recorder();
    LinkgateClient before = connected(builder(node, "bob", "bob-phone"), first);
    for (int i = 1; i <= 5; i++) {
      node.router.push("bob", Message.of("system", "user:bob", utf8("n" + i)));
    }
    await().atMost(WAIT).until(() -> before.cursor().seq() == 5);
    Cursor persisted = before.cursor();
    assertThat(persisted.epoch()).isNotEmpty();
    before.close();

    for (int i = 6; i <= 8; i++) {
      node.router.push("bob", Message.of("system", "user:bob", utf8("n" + i)));
    }
    Recorder second = new Recorder();
    connected(builder(node, "bob", "bob-phone").resumeFrom(persisted), second);

    await().atMost(WAIT).until(() -> second.pushes.size() >= 3);
    node.router.push("bob", Message.of("system", "user:bob", utf8("n9")));
    await().atMost(WAIT).until(() -> second.pushes.size() >= 4);
    assertThat(texts(second)).containsExactly("n6", "n7", "n8", "n9");
    assertThat(second.resyncs).isEmpty();
  }

  @Test
  void aRoomSubscriptionSurvivesAReconnect() throws Exception {
    Node node = node(null);
    Recorder bob = new Recorder();
    LinkgateClient client = connected(builder(node, "bob", "bob-phone"), bob);
    client.subscribe("live");
    AtomicInteger published = new AtomicInteger();
    await().atMost(WAIT).until(() -> node.router.publishToRoom("live",
        Message.of("host", "room:live", utf8("before-" + published.incrementAndGet())))
        .toCompletableFuture().get() == 1);

    node.restartDownlink();
    await().atMost(WAIT).until(() -> bob.count(ConnectionState.CONNECTED) >= 2);
    await().atMost(WAIT).until(() -> node.router.publishToRoom("live",
        Message.of("host", "room:live", utf8("after"))).toCompletableFuture().get() == 1);

    await().atMost(WAIT).until(() -> texts(bob).contains("after"));
    assertThat(bob.pushes).filteredOn(p -> text(p).equals("after"))
        .allSatisfy(p -> assertThat(p.getSeq()).isZero());
  }

  @Test
  void aSendRetriedAfterTheUplinkRestartsIsDeliveredOnce() throws Exception {
    CompletableFuture<Void> entered = new CompletableFuture<>();
    CompletableFuture<Void> gate = new CompletableFuture<>();
    AtomicInteger handled = new AtomicInteger();
    // Delivers like the default handler, but holds the SendAck of "held" until the gate opens.
    BusinessHandler holding = (ctx, send) -> {
      handled.incrementAndGet();
      String target = send.getTo().substring("user:".length());
      CompletionStage<Push> pushed = ctx.router().push(target, new Message(
          ctx.identity().userId(), send.getTo(), send.getPayload(), send.getHeadersMap()));
      CompletionStage<Void> held = CompletableFuture.completedFuture(null);
      if (send.getPayload().toStringUtf8().equals("held")) {
        entered.complete(null);
        held = gate;
      }
      return pushed.thenCombine(held, (push, x) -> Frame.newBuilder().setSendAck(SendAck.newBuilder()
          .setClientMsgId(send.getClientMsgId()).setMsgId(push.getMsgId())).build());
    };
    Node node = node(holding);
    Recorder bob = new Recorder();
    connected(builder(node, "bob", "bob-phone"), bob);
    LinkgateClient alice = sender(node, "alice");

    CompletableFuture<SendAck> held = alice.send("user:bob", utf8("held")).toCompletableFuture();
    entered.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    node.restartUplink(); // the connection carrying "held" dies before its SendAck
    gate.complete(null);

    SendAck ack = held.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    ack(alice.send("user:bob", utf8("after")));
    await().atMost(WAIT).until(() -> texts(bob).contains("after"));
    assertThat(texts(bob)).containsExactly("held", "after");
    assertThat(bob.pushes.get(0).getMsgId()).isEqualTo(ack.getMsgId());
    assertThat(handled.get()).isEqualTo(2); // "held" once (its resend was deduplicated), "after" once
  }

  @Test
  void aBadTokenStopsTheClientWithoutRetrying() throws Exception {
    Node node = node(null);
    Recorder r = new Recorder();
    String forged = Hs256Authenticator.mint(
        "some-other-secret-0123456789abcdefgh".getBytes(StandardCharsets.UTF_8), "mallory",
        Duration.ofMinutes(10));
    LinkgateClient client = builder(node, "mallory", "m1").token(forged)
        .pushListener(r).stateListener(r).build();
    resources.add(client);

    CompletableFuture<?> connecting = client.connect().toCompletableFuture();
    assertThat(connecting).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOfSatisfying(GatewayException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    await().atMost(WAIT).until(() -> r.states.contains(ConnectionState.STOPPED));
    assertThat(r.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.STOPPED);
    assertThat(client.state()).isEqualTo(ConnectionState.STOPPED);

    var send = client.send("user:bob", utf8("x")).toCompletableFuture();
    assertThat(send).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOfSatisfying(GatewayException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    assertThat(node.router.localDownlinkCount()).isZero();
  }
}

package io.linkgate.router;

import static io.linkgate.router.DownlinkHandshakeTest.ack;
import static io.linkgate.router.DownlinkHandshakeTest.assertCode;
import static io.linkgate.router.Fixtures.UP;
import static io.linkgate.router.Fixtures.connect;
import static io.linkgate.router.Fixtures.failure;
import static io.linkgate.router.Fixtures.join;
import static io.linkgate.router.Fixtures.send;
import static io.linkgate.router.Fixtures.text;
import static io.linkgate.router.Fixtures.uplink;
import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.Frames;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.SendAck;
import io.linkgate.api.proto.Subscribe;
import io.linkgate.api.proto.Unsubscribe;
import io.linkgate.api.transport.UplinkSession;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UplinkTest {
  private final Router router = Fixtures.router().build();

  @AfterEach
  void close() {
    router.close();
  }

  @Test
  void uplinkWelcomeNamesTheUser() {
    UplinkSession up = uplink(router, "alice", "phone");
    assertThat(up.welcome().getUserId()).isEqualTo("alice");
    assertThat(up.welcome().getNodeId()).isEqualTo("n1");
    assertThat(up.welcome().getSessionId()).isNotEmpty();
  }

  @Test
  void anUplinksWelcomeIsMadeOnceThoughAskedForFromManyThreads() throws Exception {
    // The Welcome is made when first asked for; it must still be one per session.
    UplinkSession up = uplink(router, "alice", "phone");
    ExecutorService askers = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> ids = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ids.add(askers.submit(() -> up.welcome().getSessionId()));
      }
      String first = ids.get(0).get(30, TimeUnit.SECONDS);
      for (Future<String> id : ids) {
        assertThat(id.get(30, TimeUnit.SECONDS)).isEqualTo(first);
      }
    } finally {
      askers.shutdownNow();
    }
    UplinkSession other = uplink(router, "alice", "phone");
    join(other.handle(send("c1", "user:bob", "hi"))); // used before its Welcome is asked for
    assertThat(other.welcome().getSessionId()).isNotEqualTo(up.welcome().getSessionId());
    assertThat(other.welcome().getUserId()).isEqualTo("alice");
  }

  @Test
  void uplinkWithBadTokenOrRoleIsRefused() {
    Hello bad = Fixtures.upHello("alice", "phone").toBuilder().setToken("x.y.z").build();
    assertCode(failure(router.openUplink(bad, UP)), ErrorCode.UNAUTHENTICATED);
    Hello wrongRole = Fixtures.upHello("alice", "phone").toBuilder().setRole(Role.DOWNLINK).build();
    assertCode(failure(router.openUplink(wrongRole, UP)), ErrorCode.INVALID_ARGUMENT);
  }

  @Test
  void sendToAUserPushesToThemAndACopyToEverySenderDevice() {
    RecordingChannel bob = new RecordingChannel();
    RecordingChannel alicePhone = new RecordingChannel();
    RecordingChannel aliceLaptop = new RecordingChannel();
    connect(router, "bob", "d1", 0, bob);
    connect(router, "alice", "phone", 0, alicePhone);
    connect(router, "alice", "laptop", 0, aliceLaptop);
    UplinkSession up = uplink(router, "alice", "phone");

    Frame answer = join(up.handle(send("c1", "user:bob", "hi bob")));
    SendAck sendAck = answer.getSendAck();
    assertThat(sendAck.getClientMsgId()).isEqualTo("c1");
    assertThat(sendAck.getMsgId()).isNotEmpty();

    Push toBob = bob.pushes().get(0);
    assertThat(toBob.getFrom()).isEqualTo("alice");
    assertThat(toBob.getTo()).isEqualTo("user:bob");
    assertThat(toBob.getPayload().toStringUtf8()).isEqualTo("hi bob");
    assertThat(toBob.getMsgId()).isEqualTo(sendAck.getMsgId());
    assertThat(toBob.getServerTimeMs()).isEqualTo(sendAck.getServerTimeMs());
    for (RecordingChannel ch : List.of(alicePhone, aliceLaptop)) {
      assertThat(ch.pushes()).singleElement().satisfies(copy -> {
        assertThat(copy.getSeq()).isEqualTo(1);
        assertThat(copy.getMsgId()).isEqualTo(sendAck.getMsgId());
        assertThat(copy.getTo()).isEqualTo("user:bob");
        assertThat(copy.getFrom()).isEqualTo("alice");
      });
    }
  }

  @Test
  void sendingToYourselfIsOnePush() {
    RecordingChannel phone = new RecordingChannel();
    connect(router, "alice", "phone", 0, phone);
    join(uplink(router, "alice", "phone").handle(send("c1", "user:alice", "note")));
    assertThat(phone.seqs()).containsExactly(1L);
  }

  @Test
  void badDestinationsAndMissingIdsAreInvalidArgument() {
    UplinkSession up = uplink(router, "alice", "phone");
    for (String to : List.of("bob", "user:", "room:", "group:x", "")) {
      Frame answer = join(up.handle(send("c-" + to, to, "x")));
      assertThat(answer.getError().getCode()).as(to).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(answer.getError().getClientMsgId()).isEqualTo("c-" + to);
    }
    Frame noId = join(up.handle(send("", "user:bob", "x")));
    assertThat(noId.getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(noId.getError().getMessage()).contains("client_msg_id");
  }

  @Test
  void aResendReturnsTheFirstAckAndDeliversOnce() {
    RecordingChannel bob = new RecordingChannel();
    connect(router, "bob", "d1", 0, bob);
    UplinkSession first = uplink(router, "alice", "phone");
    Frame a = join(first.handle(send("same", "user:bob", "once")));
    // The retry may come on another uplink (the first one broke).
    Frame b = join(uplink(router, "alice", "phone").handle(send("same", "user:bob", "once")));
    assertThat(b).isEqualTo(a);
    assertThat(bob.seqs()).containsExactly(1L);
    // Another user's identical client_msg_id is a different message.
    join(uplink(router, "carol", "x").handle(send("same", "user:bob", "other")));
    assertThat(bob.seqs()).containsExactly(1L, 2L);
  }

  @Test
  void concurrentResendsDeliverOnceAndAllGetTheSameAck() throws Exception {
    RecordingChannel bob = new RecordingChannel();
    connect(router, "bob", "d1", 0, bob);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 20; round++) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Frame>> answers = new ArrayList<>();
        String id = "retry-" + round;
        for (int t = 0; t < threads; t++) {
          UplinkSession up = uplink(router, "alice", "phone");
          answers.add(
              pool.submit(() -> {
                start.await();
                return join(up.handle(send(id, "user:bob", id)));
              }));
        }
        start.countDown();
        Frame firstAnswer = answers.get(0).get(10, TimeUnit.SECONDS);
        assertThat(firstAnswer.hasSendAck()).isTrue();
        for (Future<Frame> f : answers) {
          assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(firstAnswer);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(bob.seqs()).containsExactlyElementsOf(DeliveryTest.range(1, 20));
  }

  @Test
  void aRetryWhileTheFirstSendIsInFlightWaitsForItsAnswer() {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<Frame> pending = new CompletableFuture<>();
    try (Router custom =
        Fixtures.router()
            .businessHandler((ctx, s) -> {
              calls.incrementAndGet();
              return pending;
            })
            .build()) {
      CompletionStage<Frame> a = uplink(custom, "alice", "p").handle(send("c1", "user:bob", "x"));
      CompletionStage<Frame> b = uplink(custom, "alice", "p").handle(send("c1", "user:bob", "x"));
      assertThat(a.toCompletableFuture()).isNotDone();
      assertThat(b.toCompletableFuture()).isNotDone();
      Frame ack = Frame.newBuilder().setSendAck(SendAck.newBuilder().setClientMsgId("c1").setMsgId("m1")).build();
      pending.complete(ack);
      assertThat(join(a)).isEqualTo(ack);
      assertThat(join(b)).isEqualTo(ack);
      assertThat(calls).hasValue(1);
    }
  }

  @Test
  void aFailedSendIsNotRememberedSoItsRetryRunsAgain() {
    AtomicInteger calls = new AtomicInteger();
    try (Router custom =
        Fixtures.router()
            .businessHandler((ctx, s) -> {
              if (calls.incrementAndGet() == 1) {
                throw new GatewayException(ErrorCode.UNAVAILABLE, "backend down");
              }
              return CompletableFuture.completedFuture(
                  Frame.newBuilder().setSendAck(SendAck.newBuilder().setClientMsgId(s.getClientMsgId())).build());
            })
            .build()) {
      UplinkSession up = uplink(custom, "alice", "p");
      Frame first = join(up.handle(send("c1", "user:bob", "x")));
      assertThat(first.getError().getCode()).isEqualTo(ErrorCode.UNAVAILABLE);
      assertThat(first.getError().getClientMsgId()).isEqualTo("c1");
      assertThat(join(up.handle(send("c1", "user:bob", "x"))).hasSendAck()).isTrue();
    }
  }

  @Test
  void aCustomBusinessHandlerReplacesTheDefaultAndCanStillPush() {
    List<String> seen = new ArrayList<>();
    try (Router custom =
        Fixtures.router()
            .businessHandler((ctx, s) -> {
              seen.add(ctx.identity().userId() + "/" + ctx.deviceId() + "->" + s.getTo());
              if (s.getTo().equals("bot")) {
                return ctx.router()
                    .push(ctx.identity().userId(), Message.of("bot", "user:" + ctx.identity().userId(), new byte[] {42}))
                    .thenApply(p -> Frame.newBuilder()
                        .setSendAck(SendAck.newBuilder().setClientMsgId(s.getClientMsgId()).setMsgId(p.getMsgId()))
                        .build());
              }
              // An Error without client_msg_id gets it filled in; a stray kind becomes INTERNAL.
              return CompletableFuture.completedFuture(
                  s.getTo().equals("nope") ? Frames.error(ErrorCode.FORBIDDEN, "no") : Frames.pong(1));
            })
            .build()) {
      RecordingChannel ch = new RecordingChannel();
      connect(custom, "alice", "phone", 0, ch);
      UplinkSession up = uplink(custom, "alice", "phone");
      assertThat(join(up.handle(send("c1", "bot", "hi"))).hasSendAck()).isTrue();
      assertThat(ch.pushes()).singleElement().satisfies(p -> assertThat(p.getFrom()).isEqualTo("bot"));
      Frame no = join(up.handle(send("c2", "nope", "x")));
      assertThat(no.getError().getCode()).isEqualTo(ErrorCode.FORBIDDEN);
      assertThat(no.getError().getClientMsgId()).isEqualTo("c2");
      assertThat(join(up.handle(send("c3", "user:bob", "x"))).getError().getCode()).isEqualTo(ErrorCode.INTERNAL);
      assertThat(seen).containsExactly("alice/phone->bot", "alice/phone->nope", "alice/phone->user:bob");
    }
  }

  @Test
  void pushAckAndSubscribeOnTheUplinkApplyToThatDevicesDownlink() {
    RecordingChannel phone = new RecordingChannel();
    connect(router, "alice", "phone", 0, phone);
    for (int i = 0; i < 3; i++) {
      join(router.push("alice", text("m" + i)));
    }
    UplinkSession up = uplink(router, "alice", "phone");
    assertThat(join(up.handle(ack(2)))).isEqualTo(Frame.getDefaultInstance());
    assertThat(join(router.sessionsOf("alice")).get(0).ackedSeq()).isEqualTo(2);

    Frame sub = Frame.newBuilder().setSubscribe(Subscribe.newBuilder().setRoom("live")).build();
    assertThat(join(up.handle(sub))).isEqualTo(Frame.getDefaultInstance());
    assertThat(join(router.publishToRoom("live", text("room msg")))).isEqualTo(1);
    assertThat(phone.pushes().get(3).getSeq()).isZero();

    Frame unsub = Frame.newBuilder().setUnsubscribe(Unsubscribe.newBuilder().setRoom("live")).build();
    assertThat(join(up.handle(unsub))).isEqualTo(Frame.getDefaultInstance());
    assertThat(join(router.publishToRoom("live", text("after")))).isZero();
  }

  @Test
  void uplinkWithoutALocalDownlinkAnswersUnavailable() {
    UplinkSession up = uplink(router, "alice", "phone");
    Frame answer = join(up.handle(ack(1)));
    assertThat(answer.getError().getCode()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(answer.getError().getMessage()).isEqualTo("no downlink for this device");
  }

  @Test
  void pingGetsPongAndOtherFramesBadFrame() {
    UplinkSession up = uplink(router, "alice", "phone");
    assertThat(join(up.handle(Frames.ping(7))).getPong().getNonce()).isEqualTo(7);
    Frame hello = Frame.newBuilder().setHello(Fixtures.upHello("alice", "phone")).build();
    assertThat(join(up.handle(hello)).getError().getCode()).isEqualTo(ErrorCode.BAD_FRAME);
    assertThat(join(up.handle(Frame.getDefaultInstance())).getError().getCode()).isEqualTo(ErrorCode.BAD_FRAME);
  }
}

package io.linkgate.router;

import static io.linkgate.router.DownlinkHandshakeTest.assertCode;
import static io.linkgate.router.Fixtures.DOWN;
import static io.linkgate.router.Fixtures.connect;
import static io.linkgate.router.Fixtures.downHello;
import static io.linkgate.router.Fixtures.failure;
import static io.linkgate.router.Fixtures.join;
import static io.linkgate.router.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.GoAway;
import io.linkgate.api.proto.Hello;
import io.linkgate.router.store.RouterStore;
import io.linkgate.router.store.Inboxes;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Subscribe;
import io.linkgate.api.proto.Welcome;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.router.internal.InMemoryRouterStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DeliveryTest {

  @Test
  void pushesArriveInSeqOrderAfterWelcome() {
    try (Router router = Fixtures.router().build()) {
      RecordingChannel ch = new RecordingChannel();
      connect(router, "bob", "d1", 0, ch);
      for (int i = 1; i <= 50; i++) {
        Push p = join(router.push("bob", text("m" + i)));
        assertThat(p.getSeq()).isEqualTo(i);
      }
      assertThat(ch.frames().get(0).hasWelcome()).isTrue();
      assertThat(ch.seqs()).containsExactlyElementsOf(range(1, 50));
      Push first = ch.pushes().get(0);
      assertThat(first.getPayload().toStringUtf8()).isEqualTo("m1");
      assertThat(first.getFrom()).isEqualTo("system");
      assertThat(first.getTo()).isEqualTo("user:bob");
      assertThat(first.getMsgId()).startsWith("n1-");
      assertThat(ch.pushes().stream().map(Push::getMsgId).distinct()).hasSize(50);
    }
  }

  @Test
  void serverTimeComesFromTheClock() {
    java.time.Clock fixed = java.time.Clock.fixed(java.time.Instant.ofEpochMilli(123_456), java.time.ZoneOffset.UTC);
    try (Router router = Fixtures.router().clock(fixed).build()) {
      assertThat(join(router.push("bob", text("x"))).getServerTimeMs()).isEqualTo(123_456);
    }
  }

  @Test
  void allDevicesOfAUserShareOneEncodedFrame() {
    try (Router router = Fixtures.router().build()) {
      RecordingChannel a = new RecordingChannel();
      RecordingChannel b = new RecordingChannel();
      connect(router, "bob", "d1", 0, a);
      connect(router, "bob", "d2", 0, b);
      join(router.push("bob", text("x")));
      assertThat(a.encoded().get(1)).isSameAs(b.encoded().get(1));
    }
  }

  @Test
  void reconnectResumesAfterTheGivenSeq() {
    try (Router router = Fixtures.router().build()) {
      RecordingChannel first = new RecordingChannel();
      DownlinkSession s = connect(router, "bob", "d1", 0, first);
      for (int i = 0; i < 5; i++) {
        join(router.push("bob", text("m" + i)));
      }
      s.onClosed();
      for (int i = 0; i < 3; i++) {
        join(router.push("bob", text("offline" + i)));
      }
      RecordingChannel second = new RecordingChannel();
      connect(router, "bob", "d1", 3, second);
      Welcome w = second.welcome();
      assertThat(w.getResumed()).isTrue();
      assertThat(w.getLastSeq()).isEqualTo(8);
      assertThat(w.getEpoch()).isEqualTo(first.welcome().getEpoch());
      assertThat(second.seqs()).containsExactly(4L, 5L, 6L, 7L, 8L);
      join(router.push("bob", text("live")));
      assertThat(second.seqs()).endsWith(9L);
    }
  }

  @Test
  void embeddedRouterKeepsPushesForAnOfflineUserUntilADeviceResumesFromZero() {
    try (Router router = Fixtures.router().build()) {
      assertThat(join(router.isOnline("carol"))).isFalse();
      join(router.push("carol", text("a")));
      join(router.push("carol", text("b")));
      join(router.push("carol", text("c")));

      RecordingChannel ch = new RecordingChannel();
      connect(router, "carol", "tablet", 0, ch);
      assertThat(ch.welcome().getResumed()).isTrue();
      assertThat(ch.welcome().getLastSeq()).isEqualTo(3);
      assertThat(ch.pushes().stream().map(p -> p.getPayload().toStringUtf8()))
          .containsExactly("a", "b", "c");
      assertThat(join(router.isOnline("carol"))).isTrue();
    }
  }

  @Test
  void resumeBeyondWhatTheInboxHoldsIsNotResumedButReplaysWhatItHas() {
    try (Router router = Fixtures.router().inboxCapacity(10).build()) {
      for (int i = 0; i < 25; i++) {
        join(router.push("bob", text("m" + i)));
      }
      RecordingChannel ch = new RecordingChannel();
      connect(router, "bob", "d1", 5, ch);
      assertThat(ch.welcome().getResumed()).isFalse();
      assertThat(ch.welcome().getLastSeq()).isEqualTo(25);
      assertThat(ch.seqs()).containsExactlyElementsOf(range(16, 25));

      RecordingChannel exact = new RecordingChannel();
      connect(router, "bob", "d2", 15, exact); // 16..25 are all held
      assertThat(exact.welcome().getResumed()).isTrue();
      assertThat(exact.seqs()).containsExactlyElementsOf(range(16, 25));
    }
  }

  @Test
  void resumeFromAheadOfTheLastSeqIsNotResumed() {
    try (Router router = Fixtures.router().build()) {
      join(router.push("bob", text("only")));
      RecordingChannel ch = new RecordingChannel();
      connect(router, "bob", "d1", 40, ch);
      assertThat(ch.welcome().getResumed()).isFalse();
      assertThat(ch.welcome().getLastSeq()).isEqualTo(1);
      assertThat(ch.seqs()).isEmpty();
      join(router.push("bob", text("next")));
      assertThat(ch.seqs()).containsExactly(2L);
    }
  }

  @Test
  void aForgottenUserComesBackWithANewEpoch() {
    InMemoryRouterStore store = new InMemoryRouterStore(100, 1000, Duration.ofHours(1));
    try (Router router = Fixtures.router().store(store).build()) {
      RecordingChannel live = new RecordingChannel();
      connect(router, "bob", "d1", 0, live);
      join(router.push("bob", text("a")));
      join(router.push("bob", text("b")));
      String oldEpoch = live.welcome().getEpoch();

      store.forgetUser("bob");
      Push restarted = join(router.push("bob", text("c")));
      assertThat(restarted.getSeq()).isEqualTo(1);
      // The live session cannot place seq 1 of a new space: it is told to resync.
      assertThat(live.isOpen()).isFalse();
      assertThat(live.closedWith().getError().getCode()).isEqualTo(ErrorCode.RESYNC_REQUIRED);
      assertThat(live.seqs()).containsExactly(1L, 2L);

      RecordingChannel back = new RecordingChannel();
      connect(router, "bob", "d1", 2, back);
      assertThat(back.welcome().getEpoch()).isNotEqualTo(oldEpoch);
      assertThat(back.welcome().getResumed()).isFalse();
      assertThat(back.welcome().getLastSeq()).isEqualTo(1);
    }
  }

  @Test
  void pushAllGivesConsecutiveSeqsDeliveredInOrderAfterSinglePushes() {
    try (Router router = Fixtures.router().build()) {
      RecordingChannel ch = new RecordingChannel();
      connect(router, "bob", "d1", 0, ch);
      join(router.push("bob", text("first")));

      List<Push> batch =
          join(router.pushAll("bob", List.of(text("a"), text("b"), text("c"))));

      assertThat(batch).extracting(Push::getSeq).containsExactly(2L, 3L, 4L);
      assertThat(ch.seqs()).containsExactly(1L, 2L, 3L, 4L);
      assertThat(ch.pushes()).extracting(p -> p.getPayload().toStringUtf8())
          .containsExactly("first", "a", "b", "c");
    }
  }

  @Test
  void aPushIsEncodedOnceByTheInboxAndEveryDeviceWritesThoseBytesWithItsAcceptTime() {
    GatedStore store = new GatedStore(new InMemoryRouterStore(100, 1000, Duration.ofHours(1)));
    try (Router router = Fixtures.router().store(store).build()) {
      RecordingChannel phone = new RecordingChannel();
      RecordingChannel laptop = new RecordingChannel();
      connect(router, "bob", "phone", 0, phone);
      long before = System.nanoTime();
      join(router.push("bob", text("one device")));
      connect(router, "bob", "laptop", 1, laptop);
      join(router.push("bob", text("two devices")));

      List<Inboxes.Appended> appended = store.appended();
      assertThat(appended).hasSize(2);
      io.linkgate.api.EncodedFrame first = phone.encoded().get(1);
      assertThat(first.bytes()).isSameAs(appended.get(0).frame().bytes());
      assertThat(first.acceptedNanos()).isGreaterThanOrEqualTo(before);
      io.linkgate.api.EncodedFrame second = phone.encoded().get(2);
      assertThat(second.bytes()).isSameAs(appended.get(1).frame().bytes());
      assertThat(laptop.encoded().get(1).bytes()).isSameAs(second.bytes());
      assertThat(laptop.pushes()).extracting(p -> p.getPayload().toStringUtf8()).containsExactly("two devices");
    }
  }

  @Test
  void aSendOnASlowStoreIsAckedOnceBothPushesAreStoredAndARetryMeanwhileWaitsForIt() {
    GatedStore store = new GatedStore(new InMemoryRouterStore(100, 1000, Duration.ofHours(1)));
    RouterEventsTest.Recorded events = new RouterEventsTest.Recorded();
    try (Router router = Fixtures.router().store(store).events(events).build()) {
      RecordingChannel bob = new RecordingChannel();
      RecordingChannel alice = new RecordingChannel();
      connect(router, "bob", "phone", 0, bob);
      connect(router, "alice", "laptop", 0, alice);
      var up = Fixtures.uplink(router, "alice", "phone");
      events.events.clear(); // the handshakes' events
      store.holdAppends();

      CompletableFuture<Frame> first = up.handle(Fixtures.send("c1", "user:bob", "hi")).toCompletableFuture();
      CompletableFuture<Frame> retry = up.handle(Fixtures.send("c1", "user:bob", "hi")).toCompletableFuture();

      assertThat(first).isNotDone();
      assertThat(retry).isNotDone();
      assertThat(bob.pushes()).isEmpty();
      assertThat(events.events).containsExactly("dedup hit");
      store.open();
      Frame ack = join(first);
      assertThat(ack.hasSendAck()).isTrue();
      assertThat(join(retry)).isEqualTo(ack);
      assertThat(bob.seqs()).containsExactly(1L);
      assertThat(alice.pushes()).extracting(Push::getMsgId).containsExactly(ack.getSendAck().getMsgId());
      assertThat(store.appended()).hasSize(2);
      assertThat(events.events)
          .containsExactly("dedup hit", "stored 1", "stored 1", "send ack", "send ack");
    }
  }

  @Test
  void pushAllOnAStoreWithoutBatchSupportAppendsOneByOne() {
    // A store that only implements append() gets the SPI's sequential default for appendAll().
    InMemoryRouterStore inner = new InMemoryRouterStore(100, 1000, Duration.ofHours(1));
    Inboxes appendOnly =
        new Inboxes() {
          @Override
          public java.util.concurrent.CompletionStage<Appended> append(String user, Push.Builder p) {
            return inner.inboxes().append(user, p);
          }

          @Override
          public java.util.concurrent.CompletionStage<Slice> readAfter(String user, long after) {
            return inner.inboxes().readAfter(user, after);
          }
        };
    RouterStore store =
        new RouterStore() {
          @Override
          public io.linkgate.router.store.SessionRegistry sessions() {
            return inner.sessions();
          }

          @Override
          public Inboxes inboxes() {
            return appendOnly;
          }

          @Override
          public io.linkgate.router.store.NoticeBus notices() {
            return inner.notices();
          }

          @Override
          public io.linkgate.router.store.NodeDirectory nodes() {
            return inner.nodes();
          }
        };
    try (Router router = Fixtures.router().store(store).build()) {
      RecordingChannel ch = new RecordingChannel();
      connect(router, "bob", "d1", 0, ch);

      join(router.pushAll("bob", List.of(text("a"), text("b"))));

      assertThat(ch.seqs()).containsExactly(1L, 2L);
    }
  }

  @Test
  void aCursorFromALostEpochIsNotTakenAsAResumeInTheNewOne() {
    InMemoryRouterStore store = new InMemoryRouterStore(100, 1000, Duration.ofHours(1));
    try (Router router = Fixtures.router().store(store).build()) {
      RecordingChannel first = new RecordingChannel();
      connect(router, "bob", "d1", 0, first).onClosed();
      join(router.push("bob", text("a")));
      join(router.push("bob", text("b")));
      String oldEpoch = first.welcome().getEpoch();

      store.forgetUser("bob");
      for (String t : new String[] {"x", "y", "z"}) {
        join(router.push("bob", text(t)));
      }

      // seq 2 exists in the new space too; only the epoch tells the client's 2 is another message.
      RecordingChannel back = new RecordingChannel();
      Hello stale = Fixtures.downHello("bob", "d1", 2).toBuilder().setResumeEpoch(oldEpoch).build();
      join(router.openDownlink(stale, Fixtures.DOWN, back));

      assertThat(back.welcome().getEpoch()).isNotEqualTo(oldEpoch);
      assertThat(back.welcome().getResumed()).isFalse();
      assertThat(back.seqs()).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void aResumePointPastTheLastSeqAcknowledgesNothing() {
    try (Router router = Fixtures.router().build()) {
      join(router.push("bob", text("a")));
      RecordingChannel ch = new RecordingChannel();
      // uint64 resume_from_seq above 2^63 arrives as a negative long.
      connect(router, "bob", "d1", -5, ch);

      assertThat(ch.welcome().getResumed()).isFalse();
      assertThat(join(router.sessionsOf("bob"))).singleElement()
          .satisfies(d -> assertThat(d.ackedSeq()).isZero());
    }
  }

  @Test
  void aCursorInTheCurrentEpochResumes() {
    try (Router router = Fixtures.router().build()) {
      RecordingChannel first = new RecordingChannel();
      connect(router, "bob", "d1", 0, first).onClosed();
      join(router.push("bob", text("a")));
      join(router.push("bob", text("b")));
      String epoch = first.welcome().getEpoch();

      RecordingChannel back = new RecordingChannel();
      Hello hello = Fixtures.downHello("bob", "d1", 1).toBuilder().setResumeEpoch(epoch).build();
      join(router.openDownlink(hello, Fixtures.DOWN, back));

      assertThat(back.welcome().getResumed()).isTrue();
      assertThat(back.seqs()).containsExactly(2L);
    }
  }

  @Test
  void aSlowConsumerIsCleanedUpAndNotWrittenToAgain() {
    try (Router router = Fixtures.router().build()) {
      RecordingChannel slow = new RecordingChannel(3); // Welcome + 2 pushes, then full
      DownlinkSession s = connect(router, "bob", "d1", 0, slow);
      join(s.onFrame(Frame.newBuilder().setSubscribe(Subscribe.newBuilder().setRoom("r")).build()));
      for (int i = 0; i < 10; i++) {
        join(router.push("bob", text("m" + i)));
      }
      assertThat(slow.isOpen()).isFalse();
      assertThat(slow.closedWith().getError().getCode()).isEqualTo(ErrorCode.SLOW_CONSUMER);
      assertThat(slow.refusals()).isEqualTo(1); // no writes after the first refusal
      assertThat(join(router.publishToRoom("r", text("room")))).isZero();

      assertThat(router.localRoomCount()).isEqualTo(1);
      s.onClosed(); // what the transport does next
      assertThat(router.localDownlinkCount()).isZero();
      assertThat(router.localRoomCount()).isZero();
      assertThat(join(router.isOnline("bob"))).isFalse();

      // Nothing was lost for the device: it resumes from what it got.
      RecordingChannel back = new RecordingChannel();
      connect(router, "bob", "d1", 2, back);
      assertThat(back.welcome().getResumed()).isTrue();
      assertThat(back.seqs()).containsExactlyElementsOf(range(3, 10));
    }
  }

  @Test
  void drainSendsGoAwayOnEveryDownlinkAndRefusesNewOnes() {
    try (Router router = Fixtures.router().build()) {
      RecordingChannel a = new RecordingChannel();
      RecordingChannel b = new RecordingChannel();
      connect(router, "alice", "d1", 0, a);
      connect(router, "bob", "d1", 0, b);
      router.drain(GoAway.newBuilder().setReason("shutting down").build());
      for (RecordingChannel ch : List.of(a, b)) {
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.closedWith().getGoAway().getReason()).isEqualTo("shutting down");
      }
      Throwable t = failure(router.openDownlink(downHello("carol", "d1", 0), DOWN, new RecordingChannel()));
      assertCode(t, ErrorCode.UNAVAILABLE);
    }
  }

  @Test
  void aNodeThatMissesANoticeFillsTheGapFromTheInbox() {
    InMemoryRouterStore shared = new InMemoryRouterStore(100, 1000, Duration.ofHours(1));
    LossyStore lossy = new LossyStore(shared);
    try (Router sender = Fixtures.router().nodeId("a").store(shared).build();
        Router holder = Fixtures.router().nodeId("b").store(lossy).build()) {
      RecordingChannel ch = new RecordingChannel();
      connect(holder, "bob", "d1", 0, ch);

      join(sender.push("bob", text("1")));
      lossy.dropNextNotices(2);
      join(sender.push("bob", text("2")));
      join(sender.push("bob", text("3")));
      assertThat(ch.seqs()).containsExactly(1L);
      join(sender.push("bob", text("4"))); // seq 4 shows node b the gap
      assertThat(ch.seqs()).containsExactly(1L, 2L, 3L, 4L);
      assertThat(lossy.dropped()).isEqualTo(2);
    }
  }

  @Test
  void aPushFromAnotherNodeReachesTheDeviceThroughTheStore() {
    InMemoryRouterStore shared = new InMemoryRouterStore(100, 1000, Duration.ofHours(1));
    try (Router a = Fixtures.router().nodeId("a").store(shared).build();
        Router b = Fixtures.router().nodeId("b").store(shared).build()) {
      RecordingChannel ch = new RecordingChannel();
      connect(b, "bob", "d1", 0, ch);
      assertThat(join(a.isOnline("bob"))).isTrue();
      assertThat(join(a.sessionsOf("bob")).get(0).nodeId()).isEqualTo("b");
      join(a.push("bob", text("hello from a")));
      assertThat(ch.seqs()).containsExactly(1L);
    }
  }

  @Test
  void broadcastPushesToEveryOnlineUser() {
    try (Router router = Fixtures.router().build()) {
      RecordingChannel a = new RecordingChannel();
      RecordingChannel b1 = new RecordingChannel();
      RecordingChannel b2 = new RecordingChannel();
      connect(router, "alice", "d1", 0, a);
      connect(router, "bob", "d1", 0, b1);
      connect(router, "bob", "d2", 0, b2);
      assertThat(join(router.broadcast(text("all")))).isEqualTo(2);
      assertThat(a.seqs()).containsExactly(1L);
      assertThat(b1.seqs()).containsExactly(1L);
      assertThat(b2.seqs()).containsExactly(1L);
    }
  }

  static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }
}

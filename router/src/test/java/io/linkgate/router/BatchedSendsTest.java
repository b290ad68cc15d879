package io.linkgate.router;

import static io.linkgate.router.Fixtures.connect;
import static io.linkgate.router.Fixtures.join;
import static io.linkgate.router.Fixtures.send;
import static io.linkgate.router.Fixtures.uplink;
import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.Frames;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Send;
import io.linkgate.api.proto.SendAck;
import io.linkgate.api.transport.FrameAnswers;
import io.linkgate.api.transport.UplinkSession;
import io.linkgate.router.store.Inboxes;
import io.linkgate.router.store.PendingPush;
import io.linkgate.router.store.RouterStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Frames that arrive together ({@link UplinkSession#handleAll}, a tunnel POST's body): runs of sends
 * go to the router at once, and must be answered, stored, deduplicated and refused exactly as the
 * same frames handled one by one.
 */
class BatchedSendsTest {
  private final List<Router> routers = new ArrayList<>();

  @AfterEach
  void close() {
    routers.forEach(Router::close);
  }

  private Router router(Router.Builder builder) {
    Router r = builder.build();
    routers.add(r);
    return r;
  }

  /** A downlink of {@code user}'s, recording what it is pushed. */
  private static RecordingChannel device(Router router, String user) {
    RecordingChannel ch = new RecordingChannel();
    connect(router, user, "d", 0, ch);
    return ch;
  }

  /** Alice's answers to {@code frames} handed over together on one uplink. */
  private static List<Frame> fromAlice(Router router, Frame... frames) {
    return answers(uplink(router, "alice", "phone"), frames);
  }

  /** {@code up}'s answers to {@code frames} handed over together, once all are in. */
  private static List<Frame> answers(UplinkSession up, Frame... frames) {
    return join(FrameAnswers.all(up.handleAll(List.of(frames))));
  }

  @Test
  void aMixedBatchIsAnsweredInOrderAndStoredInTheSendsOrderForTargetsAndSender() {
    Router router = router(Fixtures.router());
    RecordingChannel bob = device(router, "bob");
    RecordingChannel carol = device(router, "carol");
    RecordingChannel alice = device(router, "alice"); // the sender's other device

    List<Frame> answers =
        fromAlice(
            router,
            send("c1", "user:bob", "b1"),
            send("c2", "user:bob", "b2"),
            send("c3", "user:bob", "b3"),
            Frames.ping(7),
            send("c4", "user:carol", "k1"),
            send("c5", "user:bob", "b4"),
            send("c6", "user:bob", "b5"));

    assertThat(answers)
        .extracting(f -> f.hasPong() ? "pong " + f.getPong().getNonce() : f.getSendAck().getClientMsgId())
        .containsExactly("c1", "c2", "c3", "pong 7", "c4", "c5", "c6");
    List<String> msgIds = new ArrayList<>();
    for (Frame f : answers) {
      if (f.hasSendAck()) {
        msgIds.add(f.getSendAck().getMsgId());
      }
    }
    assertThat(msgIds).doesNotHaveDuplicates().doesNotContain("");
    assertThat(bob.seqs()).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(payloads(bob.pushes())).containsExactly("b1", "b2", "b3", "b4", "b5");
    assertThat(bob.pushes()).extracting(Push::getMsgId)
        .containsExactly(msgIds.get(0), msgIds.get(1), msgIds.get(2), msgIds.get(4), msgIds.get(5));
    assertThat(payloads(carol.pushes())).containsExactly("k1");
    // The sender's copies, in its own seq space, in the order the sends were made.
    assertThat(alice.seqs()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(payloads(alice.pushes())).containsExactly("b1", "b2", "b3", "k1", "b4", "b5");
    assertThat(alice.pushes()).extracting(Push::getMsgId).containsExactlyElementsOf(msgIds);
  }

  @Test
  void aRunOfSendsToOneUserIsOneAppendToTheTargetsInboxAndOneToTheSenders() {
    CountingStore store = new CountingStore(RouterStore.inMemory(100, 1000, Duration.ofMinutes(5)));
    Router router = router(Fixtures.router().store(store));
    RecordingChannel bob = device(router, "bob");

    fromAlice(
        router,
        send("c1", "user:bob", "one"),
        send("c2", "user:bob", "two"),
        send("c3", "user:bob", "three"),
        send("c4", "user:carol", "to carol"));

    assertThat(store.appends).containsExactly("bob x3", "alice x3", "carol x1", "alice x1");
    assertThat(payloads(bob.pushes())).containsExactly("one", "two", "three");
  }

  @Test
  void aRunLongerThanTheMostOneAppendTakesIsStoredInOrderInPiecesOfThatMost() {
    // 16 a piece (DefaultBusinessHandler.MAX_RUN): a few senders' pieces fit an inbox together,
    // so a device whose gap is filled while another's piece is being delivered finds it.
    assertThat(appendsOfOneBatch(100, 40))
        .containsExactly("bob x16", "alice x16", "bob x16", "alice x16", "bob x8", "alice x8");
  }

  @Test
  void aSmallInboxTakesARunInPiecesOfAQuarterOfIt() {
    assertThat(appendsOfOneBatch(20, 12))
        .containsExactly("bob x5", "alice x5", "bob x5", "alice x5", "bob x2", "alice x2");
  }

  /**
   * The appends that {@code sends} sends from alice to bob, handed over together, make in inboxes
   * of {@code inboxCapacity}; bob's device gets them all, in order, whatever the pieces.
   */
  private List<String> appendsOfOneBatch(int inboxCapacity, int sends) {
    CountingStore store =
        new CountingStore(RouterStore.inMemory(inboxCapacity, 1000, Duration.ofMinutes(5)));
    Router router = router(Fixtures.router().store(store));
    RecordingChannel bob = device(router, "bob");
    Frame[] frames = new Frame[sends];
    for (int i = 0; i < sends; i++) {
      frames[i] = send("c" + i, "user:bob", "m" + i);
    }
    fromAlice(router, frames);
    assertThat(bob.seqs()).containsExactlyElementsOf(LongStream.rangeClosed(1, sends).boxed().toList());
    assertThat(payloads(bob.pushes()).get(sends - 1)).isEqualTo("m" + (sends - 1));
    return store.appends;
  }

  @Test
  void aBatchRetriedWholeGetsItsFirstAnswersAndStoresNothingMore() {
    Router router = router(Fixtures.router());
    RecordingChannel bob = device(router, "bob");
    List<Frame> batch =
        List.of(send("c1", "user:bob", "one"), send("c2", "user:bob", "two"), send("c3", "user:bob", "three"));

    List<Frame> first = answers(uplink(router, "alice", "phone"), batch.toArray(new Frame[0]));
    List<Frame> retry = answers(uplink(router, "alice", "tablet"), batch.toArray(new Frame[0]));
    // A retry one by one too: the batch's answers are the window's as any other.
    Frame single = join(uplink(router, "alice", "phone").handle(batch.get(1)));

    assertThat(retry).extracting(Frame::getSendAck).extracting(SendAck::getMsgId)
        .containsExactlyElementsOf(first.stream().map(f -> f.getSendAck().getMsgId()).toList());
    assertThat(single.getSendAck().getMsgId()).isEqualTo(first.get(1).getSendAck().getMsgId());
    assertThat(payloads(bob.pushes())).containsExactly("one", "two", "three");
  }

  @Test
  void aSendRepeatedWithinOneBatchIsStoredOnceAndBothGetItsAck() {
    Router router = router(Fixtures.router());
    RecordingChannel bob = device(router, "bob");

    List<Frame> answers =
        fromAlice(
            router,
            send("c1", "user:bob", "one"),
            send("c1", "user:bob", "one"),
            send("c2", "user:bob", "two"));

    assertThat(answers.get(1).getSendAck().getMsgId()).isEqualTo(answers.get(0).getSendAck().getMsgId());
    assertThat(answers.get(2).getSendAck().getClientMsgId()).isEqualTo("c2");
    assertThat(payloads(bob.pushes())).containsExactly("one", "two");
    assertThat(bob.seqs()).containsExactly(1L, 2L);
  }

  @Test
  void refusedSendsInARunAreAnsweredWithTheirErrorsAndTheOthersStoredInOrder() {
    Router router = router(Fixtures.router().maxFrameBytes(4096));
    RecordingChannel bob = device(router, "bob");
    String big = String.join("", Collections.nCopies(5000, "x"));

    List<Frame> answers =
        fromAlice(
            router,
            send("c1", "user:bob", "one"),
            send("", "user:bob", "no id"),
            send("c3", "user:bob", big),
            send("c4", "user:bob", "four"),
            send("c5", "nobody", "bad target"),
            send("c6", "user:bob", "six"));

    assertThat(answers)
        .extracting(f -> f.hasSendAck() ? "ack " + f.getSendAck().getClientMsgId() : f.getError().getCode().name())
        .containsExactly("ack c1", "INVALID_ARGUMENT", "FRAME_TOO_LARGE", "ack c4", "INVALID_ARGUMENT", "ack c6");
    assertThat(answers.get(2).getError().getClientMsgId()).isEqualTo("c3");
    assertThat(payloads(bob.pushes())).containsExactly("one", "four", "six");
    assertThat(bob.seqs()).containsExactly(1L, 2L, 3L);
    // A refusal is not remembered as the send's answer: its retry is judged afresh.
    Frame retried = join(uplink(router, "alice", "phone").handle(send("c3", "user:bob", "small now")));
    assertThat(retried.hasSendAck()).as("retry answered %s", retried).isTrue();
  }

  @Test
  void aBatchPastTheSendRateIsAckedUpToTheBurstAndRefusedWithAHintPastIt() {
    Router router = router(Fixtures.router().sendRate(0.5, 2));
    RecordingChannel bob = device(router, "bob");

    List<Frame> answers =
        fromAlice(
            router,
            send("c1", "user:bob", "one"),
            send("c2", "user:bob", "two"),
            send("c3", "user:bob", "three"),
            send("c4", "user:bob", "four"));

    assertThat(answers).extracting(f -> f.hasSendAck() ? "ack" : f.getError().getCode().name())
        .containsExactly("ack", "ack", "RATE_LIMITED", "RATE_LIMITED");
    assertThat(answers.get(3).getError().getRetryAfterMs()).isPositive();
    assertThat(answers.get(3).getError().getClientMsgId()).isEqualTo("c4");
    assertThat(payloads(bob.pushes())).containsExactly("one", "two");
  }

  @Test
  void aHandlerThatOnlyHandlesOneSendGetsEachNewSendOfABatchInOrder() {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    BusinessHandler oneByOne =
        (ctx, send) -> {
          seen.add(send.getClientMsgId());
          if (send.getClientMsgId().equals("boom")) {
            throw new IllegalStateException("handler bug");
          }
          return CompletableFuture.completedFuture(ack(send));
        };
    Router router = router(Fixtures.router().businessHandler(oneByOne));
    UplinkSession up = uplink(router, "alice", "phone");
    join(up.handle(send("c0", "user:bob", "earlier")));

    List<Frame> answers =
        answers(
            up,
            send("c0", "user:bob", "retry"),
            send("c1", "user:bob", "x"),
            send("boom", "user:bob", "x"),
            send("c2", "user:bob", "x"));

    assertThat(seen).containsExactly("c0", "c1", "boom", "c2");
    assertThat(answers).extracting(f -> f.hasSendAck() ? "ack" : f.getError().getCode().name())
        .containsExactly("ack", "ack", "INTERNAL", "ack");
  }

  @Test
  void aHandlerActingOnBatchesGetsOnlyTheNewSendsAndAnswersEachOnItsOwnTime() {
    List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<Frame>> later = new ArrayList<>();
    BusinessHandler batching =
        new BusinessHandler() {
          @Override
          public CompletionStage<Frame> onSend(SendContext ctx, Send send) {
            return CompletableFuture.completedFuture(ack(send));
          }

          @Override
          public List<CompletionStage<Frame>> onSends(SendContext ctx, List<Send> sends) {
            batches.add(sends.stream().map(Send::getClientMsgId).toList());
            List<CompletionStage<Frame>> answers = new ArrayList<>();
            for (Send s : sends) {
              CompletableFuture<Frame> answer = new CompletableFuture<>();
              later.add(answer);
              answers.add(answer);
            }
            return answers;
          }
        };
    Router router = router(Fixtures.router().businessHandler(batching));
    UplinkSession up = uplink(router, "alice", "phone");
    join(up.handle(send("c0", "user:bob", "earlier")));

    List<CompletionStage<Frame>> answers =
        up.handleAll(
            List.of(send("c1", "user:bob", "x"), send("c0", "user:bob", "retry"), send("c2", "room:r", "x")));

    assertThat(batches).containsExactly(List.of("c1", "c2"));
    assertThat(join(answers.get(1)).getSendAck().getMsgId()).isEqualTo("m-c0"); // the retry, at once
    later.get(1).complete(ack(Send.newBuilder().setClientMsgId("c2").build()));
    assertThat(join(answers.get(2)).getSendAck().getClientMsgId()).isEqualTo("c2");
    assertThat(answers.get(0).toCompletableFuture()).isNotDone();
    later.get(0).completeExceptionally(new IllegalStateException("store down"));
    Frame failed = join(answers.get(0));
    assertThat(failed.getError().getCode()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(failed.getError().getClientMsgId()).isEqualTo("c1");
  }

  static Frame ack(Send send) {
    return Frame.newBuilder()
        .setSendAck(SendAck.newBuilder().setClientMsgId(send.getClientMsgId()).setMsgId("m-" + send.getClientMsgId()))
        .build();
  }

  static List<String> payloads(List<Push> pushes) {
    return pushes.stream().map(p -> p.getPayload().toStringUtf8()).toList();
  }

  /** The in-memory store, noting each append to an inbox as "user xN" in call order. */
  private static final class CountingStore extends ForwardingStore {
    final List<String> appends = Collections.synchronizedList(new ArrayList<>());

    CountingStore(RouterStore delegate) {
      super(delegate);
    }

    @Override
    public Inboxes inboxes() {
      Inboxes in = delegate.inboxes();
      return new Inboxes() {
        @Override
        public CompletionStage<Appended> append(String userId, Push.Builder push) {
          appends.add(userId + " x1");
          return in.append(userId, push);
        }

        @Override
        public CompletionStage<Appended> append(String userId, PendingPush push) {
          appends.add(userId + " x1");
          return in.append(userId, push);
        }

        @Override
        public CompletionStage<List<Appended>> appendAllPending(String userId, List<PendingPush> pushes) {
          appends.add(userId + " x" + pushes.size());
          return in.appendAllPending(userId, pushes);
        }

        @Override
        public CompletionStage<Slice> readAfter(String userId, long afterSeq) {
          return in.readAfter(userId, afterSeq);
        }

        @Override
        public OptionalInt capacity() {
          return in.capacity();
        }
      };
    }
  }
}

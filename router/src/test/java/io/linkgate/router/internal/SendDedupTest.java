package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.Frames;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.SendAck;
import com.google.protobuf.UnknownFieldSet;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SendDedupTest {
  private long nanos = 1_000_000_000L;
  private final AtomicInteger attempts = new AtomicInteger();
  private final Ids msgIds = new Ids("node-t", "m");

  /** The ack the router's own handler makes: the client's id, a msg id of {@link #msgIds}, a time. */
  private Supplier<CompletionStage<Frame>> ack(String id) {
    return answering(
        Frame.newBuilder()
            .setSendAck(SendAck.newBuilder().setClientMsgId(id).setMsgId(msgIds.next()).setServerTimeMs(1234))
            .build());
  }

  private Supplier<CompletionStage<Frame>> answering(Frame frame) {
    return () -> {
      attempts.incrementAndGet();
      return CompletableFuture.completedFuture(frame);
    };
  }

  private Frame answer(SendDedup dedup, String user, String id) {
    return dedup.once(user, id, ack(id)).toCompletableFuture().join();
  }

  @Test
  void aRetryGetsTheFirstAnswerWithoutASecondAttempt() {
    SendDedup dedup = new SendDedup(100, Duration.ofMinutes(10), () -> nanos, msgIds);
    Frame first = answer(dedup, "alice", "c1");
    Frame retry = answer(dedup, "alice", "c1");
    assertThat(retry).isEqualTo(first);
    assertThat(attempts).hasValue(1);
    answer(dedup, "bob", "c1");
    assertThat(attempts).as("the key is the user and the id").hasValue(2);
  }

  @Test
  void aFullWindowCountsTheSendsItDropsBeforeTheirTtlAndSaysHowFarBackItReaches() {
    SendDedup dedup = new SendDedup(4, Duration.ofMinutes(10), () -> nanos, msgIds);
    long start = nanos;
    for (int i = 1; i <= 4; i++) {
      nanos = start + seconds(i - 1);
      answer(dedup, "alice", "c" + i);
    }
    assertThat(dedup.reach())
        .as("full, nothing dropped")
        .isEqualTo(new SendDedup.Reach(4, 0, 0, Duration.ofMinutes(10)));

    nanos = start + seconds(4);
    answer(dedup, "alice", "c5"); // c1, which arrived 4 s ago, makes room
    assertThat(dedup.reach()).isEqualTo(new SendDedup.Reach(4, 1, 1, Duration.ofSeconds(4)));
    answer(dedup, "alice", "c1"); // and c2, 3 s old, makes room for it
    assertThat(attempts).as("a retry of the dropped send is a new send").hasValue(6);
    assertThat(dedup.reach()).isEqualTo(new SendDedup.Reach(4, 2, 2, Duration.ofSeconds(3)));

    nanos += Duration.ofMinutes(20).toNanos();
    assertThat(dedup.reach().reach())
        .as("what it dropped is past the ttl")
        .isEqualTo(Duration.ofMinutes(10));
    answer(dedup, "alice", "d1"); // the others leave at their ttl, not early
    assertThat(dedup.reach()).isEqualTo(new SendDedup.Reach(1, 2, 2, Duration.ofMinutes(10)));
    for (int i = 2; i <= 4; i++) {
      answer(dedup, "alice", "d" + i);
    }
    nanos += seconds(40);
    answer(dedup, "alice", "d5"); // d1, 40 s old: early, but past the time clients retry in
    assertThat(dedup.reach()).isEqualTo(new SendDedup.Reach(4, 3, 2, Duration.ofSeconds(40)));
  }

  @Test
  void theReachCountsFromTheLatestSendDroppedEarlyEvenOnceHolesLeaveTheRingBelowItsCapacity() {
    SendDedup dedup = new SendDedup(4, Duration.ofMinutes(10), () -> nanos, msgIds);
    long start = nanos;
    answer(dedup, "alice", "k1");
    nanos = start + seconds(1);
    failing(dedup, "f2"); // a failed send is forgotten: a hole in the ring
    nanos = start + seconds(2);
    failing(dedup, "f3");
    nanos = start + seconds(3);
    answer(dedup, "alice", "k4");
    nanos = start + seconds(4);
    answer(dedup, "alice", "k5"); // k1 makes room
    nanos = start + seconds(5);
    answer(dedup, "alice", "k6"); // the holes go first: three held of four

    assertThat(dedup.reach()).isEqualTo(new SendDedup.Reach(3, 1, 1, Duration.ofSeconds(5)));
    answer(dedup, "alice", "k1");
    assertThat(attempts)
        .as("k1 is out of the window, as its reach says (failed sends are not counted)")
        .hasValue(5);
  }

  @Test
  void theWindowReachesBackAsFarAsItsShortestReachingStripe() {
    SendDedup dedup =
        new SendDedup(2 * SendDedup.MIN_STRIPE_CAPACITY, Duration.ofMinutes(10), () -> nanos, msgIds);
    long start = nanos;
    int sent = 0;
    // Only keys of the second of the two stripes: it fills and drops while the first is empty.
    for (int n = 0; sent <= SendDedup.MIN_STRIPE_CAPACITY; n++) {
      String id = "s" + n;
      if ((SendDedup.keyHash("alice", id) & 1) == 1) {
        nanos = start + 1_000_000L * sent++;
        answer(dedup, "alice", id);
      }
    }
    assertThat(dedup.reach().earlyDrops()).isEqualTo(1);
    assertThat(dedup.reach().reach()).isEqualTo(Duration.ofMillis(SendDedup.MIN_STRIPE_CAPACITY));
  }

  private void failing(SendDedup dedup, String id) {
    dedup
        .once("alice", id, () -> CompletableFuture.failedFuture(new IllegalStateException("down")))
        .toCompletableFuture()
        .exceptionally(e -> null)
        .join();
  }

  private static long seconds(long s) {
    return s * 1_000_000_000L;
  }

  @Test
  void aWindowThatReachesBackLessThanTheClientsRetriesIsLoggedOnceAMinute() {
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(SendDedup.class);
    logged.start();
    logger.addAppender(logged);
    try {
      SendDedup dedup = new SendDedup(2, Duration.ofMinutes(10), () -> nanos, msgIds);
      nanos += 1_000_000L;
      for (int i = 0; i < 10; i++) { // 1 ms apart: each drops one 2 ms old
        answer(dedup, "alice", "a" + i);
        nanos += 1_000_000L;
      }
      assertThat(logged.list).hasSize(1);
      assertThat(logged.list.get(0).getLevel()).isEqualTo(Level.WARN);
      assertThat(logged.list.get(0).getFormattedMessage())
          .contains("reaches back only 2 ms (2 answers)", "router.dedup-capacity");

      nanos += Duration.ofSeconds(61).toNanos();
      answer(dedup, "alice", "b1"); // drops a8: early (61 s < 10 min) but past the clients' retries
      assertThat(logged.list).as("a drop older than the clients' retries is not logged").hasSize(1);
      answer(dedup, "alice", "b2");
      answer(dedup, "alice", "b3"); // drops b1, 0 ms old
      assertThat(logged.list).hasSize(2);
    } finally {
      logger.detachAppender(logged);
    }
  }

  @Test
  void aKeptAnswerHoldsNoReferenceToItsKeysStrings() throws InterruptedException {
    // A window that kept them kept the latest sends' id strings alive: each young collection
    // copied them (KeyFingerprint).
    SendDedup dedup = new SendDedup(100, Duration.ofMinutes(10), () -> nanos, msgIds);
    List<WeakReference<String>> keyStrings = answerWithFreshStrings(dedup, "alice", "c1");
    for (int i = 0; i < 50 && keyStrings.stream().anyMatch(r -> r.get() != null); i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(keyStrings).allSatisfy(r -> assertThat(r.get()).isNull());
    Frame retry = answer(dedup, "alice", "c1");
    assertThat(attempts).as("still answered from the window").hasValue(1);
    assertThat(retry.getSendAck().getClientMsgId()).isEqualTo("c1");
  }

  @Test
  void theHandlersOwnMsgIdsOfUsualFormsAreKeptAsNumbersNotStrings() throws InterruptedException {
    SendDedup dedup = new SendDedup(100, Duration.ofMinutes(10), () -> nanos, msgIds);
    answerWithFreshMsgId(dedup, "c0", "app-node3-k2x0"); // a prefix seen once: kept whole
    List<WeakReference<String>> kept =
        List.of(
            answerWithFreshMsgId(dedup, "c1", "1234567890123456789"),
            answerWithFreshMsgId(dedup, "c2", "app-node3-k2x1"), // the prefix again: shared
            answerWithFreshMsgId(dedup, "c3", "app-node3-k2x2"));
    for (int i = 0; i < 50 && kept.stream().anyMatch(r -> r.get() != null); i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(kept).allSatisfy(r -> assertThat(r.get()).isNull());
    assertThat(answer(dedup, "alice", "c0").getSendAck().getMsgId()).isEqualTo("app-node3-k2x0");
    assertThat(answer(dedup, "alice", "c1").getSendAck().getMsgId()).isEqualTo("1234567890123456789");
    assertThat(answer(dedup, "alice", "c2").getSendAck().getMsgId()).isEqualTo("app-node3-k2x1");
    assertThat(answer(dedup, "alice", "c3").getSendAck().getMsgId()).isEqualTo("app-node3-k2x2");
    assertThat(attempts).hasValue(0);
  }

  /** Acks alice's send {@code id} with a new string equal to {@code msgId}; a weak reference to it. */
  private WeakReference<String> answerWithFreshMsgId(SendDedup dedup, String id, String msgId) {
    String fresh = new String(msgId.toCharArray());
    dedup.once("alice", id, () -> CompletableFuture.completedFuture(sendAck(id, fresh, 1)));
    return new WeakReference<>(fresh);
  }

  /** Answers a send keyed by new strings equal to these; weak references to them. */
  private List<WeakReference<String>> answerWithFreshStrings(SendDedup dedup, String user, String id) {
    String freshUser = new String(user.toCharArray());
    String freshId = new String(id.toCharArray());
    answer(dedup, freshUser, freshId);
    return List.of(new WeakReference<>(freshUser), new WeakReference<>(freshId));
  }

  @Test
  void aRetryWhileTheFirstIsInFlightWaitsForIt() {
    SendDedup dedup = new SendDedup(100, Duration.ofMinutes(10), () -> nanos, msgIds);
    CompletableFuture<Frame> slow = new CompletableFuture<>();
    CompletionStage<Frame> first = dedup.once("alice", "c1", () -> slow);
    CompletionStage<Frame> retry = dedup.once("alice", "c1", ack("c1"));
    assertThat(attempts).hasValue(0);
    assertThat(retry.toCompletableFuture()).isNotDone();
    Frame ack = Frame.newBuilder().setSendAck(SendAck.newBuilder().setClientMsgId("c1")).build();
    slow.complete(ack);
    assertThat(first.toCompletableFuture().join()).isSameAs(ack);
    assertThat(retry.toCompletableFuture().join()).isSameAs(ack);
  }

  @Test
  void overCapacityTheOldestSendsAreForgottenFirst() {
    SendDedup dedup = new SendDedup(10, Duration.ofMinutes(10), () -> nanos, msgIds);
    for (int i = 0; i < 25; i++) {
      answer(dedup, "alice", "c" + i);
    }
    assertThat(dedup.size()).isEqualTo(10);
    attempts.set(0);
    for (int i = 15; i < 25; i++) {
      answer(dedup, "alice", "c" + i); // the latest ten: all remembered
    }
    assertThat(attempts).hasValue(0);
    answer(dedup, "alice", "c14");
    assertThat(attempts).as("older than the latest ten: handled again").hasValue(1);
    assertThat(dedup.size()).isEqualTo(10);
  }

  @Test
  void aLargeWindowIsSplitYetKeepsItsBoundAndTheLatestSends() {
    long capacity = 16 * SendDedup.MIN_STRIPE_CAPACITY; // the most stripes, a thousand answers each
    SendDedup dedup = new SendDedup(capacity, Duration.ofMinutes(10), () -> nanos, msgIds);
    int sends = (int) (3 * capacity);
    for (int i = 0; i < sends; i++) {
      answer(dedup, "user" + (i % 64), "c" + i);
    }
    assertThat(dedup.size()).as("every stripe full, none over its share").isEqualTo((int) capacity);
    attempts.set(0);
    for (int i = sends - (int) capacity / 2; i < sends; i++) {
      answer(dedup, "user" + (i % 64), "c" + i); // the latest half of the window: all remembered
    }
    assertThat(attempts).hasValue(0);
    answer(dedup, "user0", "c0");
    assertThat(attempts).as("the first send left the window long ago").hasValue(1);
  }

  @Test
  void clientIdsThatCountUpSpreadOverEveryStripe() {
    long capacity = 16 * SendDedup.MIN_STRIPE_CAPACITY;
    SendDedup dedup = new SendDedup(capacity, Duration.ofMinutes(10), () -> nanos, msgIds);
    // Client ids of a fixed prefix and a counter, as a load client numbers its sends.
    for (int i = 0; i < capacity; i++) {
      answer(dedup, "user-" + (i % 1000), "client-msg-" + i);
    }
    // A stripe holds at most its share, so a lopsided spread forgets sends of the full stripes
    // while the others have room: the window then remembers fewer sends than its capacity.
    assertThat(dedup.size()).isGreaterThanOrEqualTo((int) (capacity * 0.97));
  }

  @Test
  void anAnswerIsKeptForTheTtlAndNoLonger() {
    SendDedup dedup = new SendDedup(100, Duration.ofSeconds(60), () -> nanos, msgIds);
    answer(dedup, "alice", "old");
    nanos += TimeUnit.SECONDS.toNanos(59);
    answer(dedup, "alice", "old");
    assertThat(attempts).as("within the ttl").hasValue(1);
    nanos += TimeUnit.SECONDS.toNanos(1);
    answer(dedup, "alice", "old");
    assertThat(attempts).as("at the ttl: a new send").hasValue(2);
    answer(dedup, "alice", "old");
    assertThat(attempts).as("and that one is kept again").hasValue(2);
  }

  @Test
  void answersPastTheTtlLeaveTheWindowWhenNewSendsArrive() {
    SendDedup dedup = new SendDedup(100, Duration.ofSeconds(60), () -> nanos, msgIds);
    for (int i = 0; i < 50; i++) {
      answer(dedup, "alice", "c" + i);
    }
    nanos += TimeUnit.SECONDS.toNanos(61);
    answer(dedup, "alice", "late");
    assertThat(dedup.size()).as("the 50 expired answers are dropped, not only ignored").isEqualTo(1);
  }

  @Test
  void refusalsAndFailuresAreNotRemembered() {
    SendDedup dedup = new SendDedup(100, Duration.ofMinutes(10), () -> nanos, msgIds);
    Frame refused = Frames.error(ErrorCode.RATE_LIMITED, "slow down", "c1");
    assertThat(dedup.once("alice", "c1", () -> CompletableFuture.completedFuture(refused))
            .toCompletableFuture().join())
        .isSameAs(refused);
    CompletableFuture<Frame> failed =
        dedup.once("alice", "c2", () -> CompletableFuture.failedFuture(new IllegalStateException("boom")))
            .toCompletableFuture();
    assertThat(failed).isCompletedExceptionally();
    answer(dedup, "alice", "c1");
    answer(dedup, "alice", "c2");
    assertThat(attempts).as("both retried for real").hasValue(2);
  }

  @Test
  void anAttemptThatThrowsFailsItsSendAndItsRetryRunsAfresh() {
    SendDedup dedup = new SendDedup(100, Duration.ofMinutes(10), () -> nanos, msgIds);
    CompletableFuture<Frame> thrown =
        dedup.once("alice", "c1", () -> {
              throw new IllegalStateException("handler bug");
            })
            .toCompletableFuture();
    assertThat(thrown).isCompletedExceptionally();
    CompletableFuture<Frame> retry = dedup.once("alice", "c1", ack("c1")).toCompletableFuture();
    assertThat(retry).as("not left waiting on the attempt that threw").isDone();
    assertThat(retry.join().hasSendAck()).isTrue();
    assertThat(attempts).hasValue(1);
  }

  @Test
  void concurrentRetriesOfTheSameSendsRunEachOnce() throws Exception {
    SendDedup dedup = new SendDedup(10_000, Duration.ofMinutes(10), System::nanoTime, msgIds);
    sendFromThreads(dedup, 4, 5000);
    assertThat(attempts).hasValue(5000);
    assertThat(dedup.size()).isEqualTo(5000);
  }

  @Test
  void concurrentSendersStayWithinTheBound() throws Exception {
    SendDedup dedup = new SendDedup(100, Duration.ofMinutes(10), System::nanoTime, msgIds);
    sendFromThreads(dedup, 4, 5000);
    assertThat(dedup.size()).isLessThanOrEqualTo(100);
  }

  @Test
  void aRetryGetsAnEqualAckWhateverFormTheHandlerGaveIt() {
    SendDedup dedup = new SendDedup(100, Duration.ofMinutes(10), () -> nanos, msgIds);
    Ids otherNode = new Ids("node-x", "m");
    List<Frame> acks = List.of(
        sendAck("c1", "m-c1", 5), // a msg id not of the router's Ids
        sendAck("c2", otherNode.next(), 6), // another Ids' id: same form, other prefix
        sendAck("c3", msgIds.idOf(7).replace("-7", "-07"), 7), // looks like an id, is not one
        sendAck("c4", "", 0), // no msg id, no time
        sendAck("someone-else", msgIds.next(), 8), // a client_msg_id that is not the key
        sendAck("c6", msgIds.next(), 9).toBuilder()
            .setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                .build())
            .build(), // a field this router does not know
        sendAck("c7", "0", 10), // msg ids a handler's own generator made: decimal numbers...
        sendAck("c8", "987654321098765432", 11),
        sendAck("c9", "0123", 12), // ...and ones that only look like numbers
        sendAck("c10", "9876543210987654321", 13), // 19 digits: a snowflake, fits a long
        sendAck("c11", "-5", 14),
        sendAck("c12", "+5", 15),
        sendAck("c13", "12a", 16),
        sendAck("c14", "gen-7-1z", 17), // a generator's prefix and a base-36 counter...
        sendAck("c15", "gen-7-20", 18),
        sendAck("c16", "gen-8-1z", 19),
        sendAck("c17", "gen-7-01z", 20), // ...and ids that only look like one
        sendAck("c18", "gen-7-1Z", 21),
        sendAck("c19", "550e8400-e29b-41d4-a716-446655440000", 22),
        sendAck("c20", "gen-7-" + "z".repeat(13), 23),
        sendAck("c21", "9223372036854775808", 24), // one past a long
        sendAck("c22", "9223372036854775807", 25),
        sendAck("c23", "f47ac10b-58cc-4372-a567-0e02b2c3d479", 26), // UUIDs one after another
        sendAck("c24", "9c5b94b1-35ad-49bb-b118-8e8fc24abf80", 27),
        sendAck("c25", msgIds.next(), -1), // server times a slot does not hold...
        sendAck("c26", msgIds.next(), 1L << 48),
        sendAck("c27", msgIds.next(), Long.MAX_VALUE),
        sendAck("c28", msgIds.next(), (1L << 48) - 1)); // ...and the largest it does
    for (int i = 0; i < acks.size(); i++) {
      String id = "c" + (i + 1);
      dedup.once("alice", id, answering(acks.get(i)));
      Frame retry = dedup.once("alice", id, ack(id)).toCompletableFuture().join();
      assertThat(retry).as("retry of " + acks.get(i)).isEqualTo(acks.get(i));
      assertThat(retry.getUnknownFields()).isEqualTo(acks.get(i).getUnknownFields());
    }
    assertThat(attempts).as("every retry answered from the window").hasValue(acks.size());
  }

  @Test
  void keysOfEqualHashAreKeptApart() {
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    SendDedup dedup = new SendDedup(100, Duration.ofMinutes(10), () -> nanos, msgIds);
    Frame aa = answer(dedup, "Aa", "c1");
    Frame bb = answer(dedup, "BB", "c1");
    Frame aaId = answer(dedup, "u", "Aa");
    Frame bbId = answer(dedup, "u", "BB");
    assertThat(attempts).hasValue(4);
    assertThat(answer(dedup, "BB", "c1")).isEqualTo(bb).isNotEqualTo(aa);
    assertThat(answer(dedup, "Aa", "c1")).isEqualTo(aa);
    assertThat(answer(dedup, "u", "BB")).isEqualTo(bbId).isNotEqualTo(aaId);
    assertThat(attempts).hasValue(4);
  }

  @Test
  void aForgottenSendLeavesTheOthersOfItsHashFindable() {
    List<String> users = List.of("AaAa", "AaBB", "BBAa", "BBBB"); // one hash, one probe chain
    SendDedup dedup = new SendDedup(100, Duration.ofMinutes(10), () -> nanos, msgIds);
    List<CompletableFuture<Frame>> attemptsInFlight = new ArrayList<>();
    for (String user : users) {
      CompletableFuture<Frame> slow = new CompletableFuture<>();
      attemptsInFlight.add(slow);
      dedup.once(user, "c1", () -> slow);
    }
    attemptsInFlight.get(0).completeExceptionally(new IllegalStateException("boom"));
    attemptsInFlight.get(2).complete(Frames.error(ErrorCode.RATE_LIMITED, "slow down", "c1"));
    attemptsInFlight.get(1).complete(sendAck("c1", msgIds.next(), 1));
    attemptsInFlight.get(3).complete(sendAck("c1", msgIds.next(), 3));
    assertThat(dedup.size()).isEqualTo(2);
    assertThat(answer(dedup, "AaBB", "c1").getSendAck().getServerTimeMs()).isEqualTo(1);
    assertThat(answer(dedup, "BBBB", "c1").getSendAck().getServerTimeMs()).isEqualTo(3);
    assertThat(attempts).as("the acked two answered from the window").hasValue(0);
    answer(dedup, "AaAa", "c1");
    answer(dedup, "BBAa", "c1");
    assertThat(attempts).as("the forgotten two run again").hasValue(2);
  }

  @Test
  void keysOfEqualHashLeaveOldestFirst() {
    SendDedup dedup = new SendDedup(3, Duration.ofMinutes(10), () -> nanos, msgIds);
    for (String user : List.of("AaAa", "AaBB", "BBAa", "BBBB")) {
      answer(dedup, user, "c1");
    }
    attempts.set(0);
    answer(dedup, "BBBB", "c1");
    answer(dedup, "AaBB", "c1");
    answer(dedup, "BBAa", "c1");
    assertThat(attempts).as("the latest three kept").hasValue(0);
    answer(dedup, "AaAa", "c1");
    assertThat(attempts).as("the oldest left").hasValue(1);
  }

  @Test
  void aWindowThatGrowsKeepsItsSendsAndTheirOrder() {
    SendDedup dedup = new SendDedup(1000, Duration.ofMinutes(10), () -> nanos, msgIds);
    CompletableFuture<Frame> slow = new CompletableFuture<>();
    dedup.once("alice", "slow", () -> slow);
    for (int i = 0; i < 999; i++) {
      answer(dedup, "alice", "c" + i); // the window grows to its capacity meanwhile
    }
    Frame late = sendAck("slow", msgIds.next(), 42);
    slow.complete(late);
    attempts.set(0);
    assertThat(answer(dedup, "alice", "slow")).isEqualTo(late);
    answer(dedup, "alice", "c0");
    assertThat(attempts).as("all 1000 kept").hasValue(0);
    answer(dedup, "alice", "next"); // the 1001st: "slow" is the oldest and leaves
    answer(dedup, "alice", "slow");
    assertThat(attempts).hasValue(2);
    assertThat(dedup.size()).isEqualTo(1000);
  }

  @Test
  void anAttemptThatEndsAfterItsSendLeftTheWindowChangesNothing() {
    SendDedup dedup = new SendDedup(100, Duration.ofSeconds(60), () -> nanos, msgIds);
    CompletableFuture<Frame> stale = new CompletableFuture<>();
    dedup.once("alice", "c1", () -> stale);
    nanos += TimeUnit.SECONDS.toNanos(60);
    Frame again = answer(dedup, "alice", "c1"); // past the ttl: a new send of the same key
    stale.completeExceptionally(new IllegalStateException("too late"));
    assertThat(answer(dedup, "alice", "c1"))
        .as("the first attempt's failure does not forget the second's ack")
        .isEqualTo(again);
    assertThat(attempts).hasValue(1);
    assertThat(dedup.size()).isEqualTo(1);
  }

  private static Frame sendAck(String clientMsgId, String msgId, long serverTimeMs) {
    return Frame.newBuilder()
        .setSendAck(SendAck.newBuilder().setClientMsgId(clientMsgId).setMsgId(msgId).setServerTimeMs(serverTimeMs))
        .build();
  }

  /** Each of {@code threads} sends the same {@code ids} ids, all at once. */
  private void sendFromThreads(SendDedup dedup, int threads, int ids) throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < ids; i++) {
          answer(dedup, "alice", "c" + i);
        }
      });
      w.start();
      workers.add(w);
    }
    start.countDown();
    for (Thread w : workers) {
      w.join(TimeUnit.MINUTES.toMillis(2));
      assertThat(w.isAlive()).isFalse();
    }
  }
}

package io.linkgate.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Welcome;
import io.linkgate.router.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Reconnecting with resume_from_seq: nothing lost, nothing doubled, or a clear resync signal. */
final class ResumeChecks {
  private final Fixture fx;

  ResumeChecks(Fixture fx) {
    this.fx = fx;
  }

  void resumeReplaysExactlyTheMissedPushesOnceInOrder() {
    String alice = fx.user("alice");
    String bob = fx.user("bob");
    ClientUplink up = fx.uplink(alice, "alice-phone");
    TestDownlink first = fx.downlink(bob, "bob-phone");
    for (int i = 1; i <= 3; i++) {
      fx.send(up, Wire.send("r-" + i, "user:" + bob, "m" + i));
    }
    assertThat(first.nextPushes(3)).extracting(Push::getSeq).containsExactly(1L, 2L, 3L);
    String epoch = first.welcome().getEpoch();
    first.close();
    first.awaitClosed();
    fx.awaitOffline(bob);

    for (int i = 4; i <= 7; i++) {
      fx.send(up, Wire.send("r-" + i, "user:" + bob, "m" + i));
    }
    TestDownlink second = fx.downlink(fx.downlinkHello(bob, "bob-phone", 3, 0));
    Welcome w = second.welcome();
    assertThat(w.getResumed())
        .as("Welcome.resumed when the inbox holds everything after seq 3")
        .isTrue();
    assertThat(w.getLastSeq()).as("Welcome.last_seq").isEqualTo(7);
    assertThat(w.getEpoch()).as("the epoch survives a reconnect").isEqualTo(epoch);

    // A live push after the replay: had anything been replayed twice, it would come before this.
    fx.send(up, Wire.send("r-8", "user:" + bob, "m8"));
    List<Push> pushes = second.nextPushes(5);
    assertThat(pushes)
        .extracting(Push::getSeq)
        .as("replayed 4..7 then live 8, each once")
        .containsExactly(4L, 5L, 6L, 7L, 8L);
    assertThat(pushes).extracting(Wire::text).containsExactly("m4", "m5", "m6", "m7", "m8");
    assertThat(pushes).extracting(Push::getFrom).containsOnly(alice);
  }

  void aBacklogLargerThanTheOutboundBoundIsReplayedInFullToAReadingClient() {
    String bob = fx.user("bob");
    int bound = fx.limits().outboundQueueBytes();
    int count = Math.min(fx.baseConfig().inboxCapacity(), 60);
    int size = Math.min(fx.limits().maxFrameBytes() / 2, 3 * bound / count + 1);
    List<CompletionStage<Push>> stored = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] payload = new byte[size];
      payload[0] = (byte) i;
      stored.add(fx.senderRouter().push(bob, Message.of("tck", "user:" + bob, payload)));
    }
    for (CompletionStage<Push> p : stored) {
      fx.join(p, "router push to an offline user");
    }

    // About three times the outbound bound waits in the inbox: the node must pace the replay
    // rather than queue it at once and drop this client as a slow consumer.
    TestDownlink dl = fx.downlink(fx.downlinkHello(bob, "bob-phone", 0, 0));
    List<Push> pushes = dl.nextPushes(count);

    assertThat(pushes)
        .extracting(Push::getSeq)
        .as("every seq of a %d-byte backlog, once, in order", (long) count * size)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, count).boxed().toList());
    dl.assertOpen();
  }

  void resumeBeyondTheInboxSaysResumedFalse() {
    String bob = fx.user("bob");
    TestDownlink first = fx.downlink(bob, "bob-phone");
    fx.push(bob, "m1");
    assertThat(first.nextPush().getSeq()).isEqualTo(1);
    first.close();
    first.awaitClosed();
    fx.awaitOffline(bob);

    int overflow = fx.baseConfig().inboxCapacity() + 10;
    List<CompletionStage<Push>> pushes = new ArrayList<>();
    for (int i = 0; i < overflow; i++) {
      pushes.add(fx.senderRouter().push(bob, Message.of("tck", "user:" + bob, new byte[] {(byte) i})));
    }
    for (CompletionStage<Push> p : pushes) {
      fx.join(p, "router push to an offline user");
    }
    Welcome w = fx.downlink(fx.downlinkHello(bob, "bob-phone", 1, 0)).welcome();
    assertThat(w.getResumed())
        .as(
            "Welcome.resumed after %d pushes into an inbox of %d",
            overflow, fx.baseConfig().inboxCapacity())
        .isFalse();
    assertThat(w.getLastSeq()).as("Welcome.last_seq").isEqualTo(1L + overflow);
  }
}

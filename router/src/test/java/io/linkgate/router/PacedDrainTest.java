package io.linkgate.router;

import static io.linkgate.router.Fixtures.DOWN;
import static io.linkgate.router.Fixtures.connect;
import static io.linkgate.router.Fixtures.downHello;
import static io.linkgate.router.Fixtures.failure;
import static io.linkgate.router.Fixtures.join;
import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.GoAway;
import io.linkgate.api.proto.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PacedDrainTest {
  private static GoAway hintFor(String user) {
    return GoAway.newBuilder()
        .setReason("node draining")
        .addReconnectTo(Endpoint.newBuilder().setTransport("tcp").setRole(Role.DOWNLINK).setHost("node-of-" + user).setPort(7100))
        .build();
  }

  @Test
  void eachUsersDownlinksGetTheGoAwayMadeForThatUser() {
    try (Router router = Fixtures.router().build()) {
      RecordingChannel alice = new RecordingChannel();
      RecordingChannel bob = new RecordingChannel();
      connect(router, "alice", "d1", 0, alice);
      connect(router, "bob", "d1", 0, bob);
      assertThat(join(router.drain(PacedDrainTest::hintFor, Duration.ZERO))).isEqualTo(2);
      assertThat(alice.closedWith().getGoAway().getReconnectTo(0).getHost()).isEqualTo("node-of-alice");
      assertThat(bob.closedWith().getGoAway().getReconnectTo(0).getHost()).isEqualTo("node-of-bob");
    }
  }

  @Test
  void theGoAwaysAreSpreadOverTheWindowAndNewDownlinksAreRefusedFromTheStart() throws Exception {
    try (Router router = Fixtures.router().build()) {
      List<RecordingChannel> channels = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        RecordingChannel ch = new RecordingChannel();
        connect(router, "u" + i, "d1", 0, ch);
        channels.add(ch);
      }
      long start = System.nanoTime();
      CompletableFuture<Integer> done = router.drain(PacedDrainTest::hintFor, Duration.ofMillis(1000)).toCompletableFuture();
      Throwable refused = failure(router.openDownlink(downHello("late", "d1", 0), DOWN, new RecordingChannel()));
      assertThat(GatewayException.from(refused).code()).isEqualTo(ErrorCode.UNAVAILABLE);
      // When the first GoAways are out, most downlinks are still waiting their turn.
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(2)).pollInterval(java.time.Duration.ofMillis(5))
          .until(() -> channels.stream().anyMatch(ch -> !ch.isOpen()));
      long closedEarly = channels.stream().filter(ch -> !ch.isOpen()).count();
      assertThat(closedEarly).as("sent away in the first slices, of 40").isBetween(1L, 20L);
      assertThat(done.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(40);
      assertThat(System.nanoTime() - start).as("took about the window").isGreaterThan(Duration.ofMillis(900).toNanos());
      assertThat(channels).allMatch(ch -> !ch.isOpen() && ch.closedWith().hasGoAway());
    }
  }
}

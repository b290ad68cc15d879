package io.linkgate.router;

import static io.linkgate.router.Fixtures.connect;
import static io.linkgate.router.Fixtures.join;
import static io.linkgate.router.Fixtures.send;
import static io.linkgate.router.Fixtures.uplink;
import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.transport.UplinkSession;
import org.junit.jupiter.api.Test;

class SendRateTest {
  @Test
  void pastItsBurstAUsersSendIsRefusedWithARetryHintAndNothingIsDelivered() throws Exception {
    try (Router router = Fixtures.router().sendRate(1, 5).build()) {
      RecordingChannel bob = new RecordingChannel();
      connect(router, "bob", "d1", 0, bob);
      UplinkSession alice = uplink(router, "alice", "phone");
      for (int i = 1; i <= 5; i++) {
        assertThat(join(alice.handle(send("c" + i, "user:bob", "m" + i))).hasSendAck()).as("send %d", i).isTrue();
      }
      Frame refused = join(alice.handle(send("c6", "user:bob", "m6")));
      assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.RATE_LIMITED);
      assertThat(refused.getError().getClientMsgId()).isEqualTo("c6");
      assertThat(refused.getError().getRetryAfterMs()).isBetween(1, 1_000);
      assertThat(bob.pushes()).hasSize(5);

      // A retry of an acked send is answered from the dedup window, whatever the rate.
      assertThat(join(alice.handle(send("c1", "user:bob", "m1"))).hasSendAck()).isTrue();
      // Another user is not held back by alice.
      assertThat(join(uplink(router, "carol", "phone").handle(send("x1", "user:bob", "from carol"))).hasSendAck()).isTrue();

      Thread.sleep(refused.getError().getRetryAfterMs() + 20);
      assertThat(join(alice.handle(send("c6", "user:bob", "m6"))).hasSendAck()).as("the same send, retried after the hint").isTrue();
      assertThat(bob.pushes()).extracting(p -> p.getPayload().toStringUtf8()).containsExactly("m1", "m2", "m3", "m4", "m5", "from carol", "m6");
    }
  }

  @Test
  void withoutARateEveryFrameIsServed() {
    try (Router router = Fixtures.router().build()) {
      UplinkSession alice = uplink(router, "alice", "phone");
      for (int i = 0; i < 500; i++) {
        assertThat(join(alice.handle(send("c" + i, "user:alice", "m"))).hasSendAck()).isTrue();
      }
    }
  }
}

package io.linkgate.router;

import static io.linkgate.router.Fixtures.connect;
import static io.linkgate.router.Fixtures.join;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Send;
import io.linkgate.api.proto.Subscribe;
import io.linkgate.api.transport.DownlinkSession;
import org.junit.jupiter.api.Test;

/** A W3C trace context set on a Send reaches every delivery of that message. */
class TraceContextTest {
  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private static Frame tracedSend(String id, String to) {
    return Frame.newBuilder()
        .setSend(
            Send.newBuilder()
                .setClientMsgId(id)
                .setTo(to)
                .setPayload(ByteString.copyFromUtf8("traced"))
                .putHeaders("traceparent", TRACEPARENT))
        .build();
  }

  @Test
  void traceparentOfASendIsOnTheRecipientsPushTheSendersCopyAndEveryRoomDelivery() {
    try (Router router = Fixtures.router().build()) {
      RecordingChannel bob = new RecordingChannel();
      RecordingChannel alice = new RecordingChannel();
      DownlinkSession bobDown = connect(router, "bob", "phone", 0, bob);
      connect(router, "alice", "phone", 0, alice);
      var up = Fixtures.uplink(router, "alice", "phone");
      assertThat(join(up.handle(tracedSend("t1", "user:bob"))).hasSendAck()).isTrue();
      assertThat(bob.pushes().get(0).getHeadersMap()).containsEntry("traceparent", TRACEPARENT);
      assertThat(alice.pushes().get(0).getHeadersMap()).containsEntry("traceparent", TRACEPARENT);

      join(bobDown.onFrame(Frame.newBuilder().setSubscribe(Subscribe.newBuilder().setRoom("r")).build()));
      join(up.handle(tracedSend("t2", "room:r")));
      assertThat(bob.pushes().get(1).getHeadersMap()).containsEntry("traceparent", TRACEPARENT);
    }
  }
}

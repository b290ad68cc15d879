package io.linkgate.router;

import static io.linkgate.router.DownlinkHandshakeTest.assertCode;
import static io.linkgate.router.Fixtures.connect;
import static io.linkgate.router.Fixtures.failure;
import static io.linkgate.router.Fixtures.join;
import static io.linkgate.router.Fixtures.uplink;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Send;
import io.linkgate.api.transport.UplinkSession;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A push that could never be delivered within the frame limit is refused before it is stored. */
class FrameLimitTest {
  private static final int LIMIT = 1024;

  private static Message payloadOf(int bytes) {
    return new Message("system", "", ByteString.copyFrom(new byte[bytes]), java.util.Map.of());
  }

  @Test
  void aPushOverTheFrameLimitIsRefusedAndNotStored() {
    try (Router router = Fixtures.router().maxFrameBytes(LIMIT).build()) {
      assertCode(failure(router.push("bob", payloadOf(LIMIT))), ErrorCode.FRAME_TOO_LARGE);
      assertCode(
          failure(router.pushAll("bob", List.of(payloadOf(10), payloadOf(LIMIT)))),
          ErrorCode.FRAME_TOO_LARGE);

      // Nothing of either call took a seq: the next push is seq 1 and a device resumes cleanly.
      assertThat(join(router.push("bob", payloadOf(10))).getSeq()).isEqualTo(1);
      RecordingChannel ch = new RecordingChannel();
      connect(router, "bob", "d1", 0, ch);
      assertThat(ch.seqs()).containsExactly(1L);
    }
  }

  @Test
  void aPushJustUnderTheLimitIsDeliveredWithinIt() {
    try (Router router = Fixtures.router().maxFrameBytes(LIMIT).build()) {
      RecordingChannel ch = new RecordingChannel();
      connect(router, "bob", "d1", 0, ch);

      join(router.push("bob", payloadOf(LIMIT - 100)));

      assertThat(ch.encoded().get(1).bytes().length).isLessThanOrEqualTo(LIMIT + 5);
    }
  }

  @Test
  void aSendWhosePushWouldBeTooLargeIsAnsweredWithAnErrorNamingTheMessage() {
    try (Router router = Fixtures.router().maxFrameBytes(LIMIT).build()) {
      UplinkSession up = uplink(router, "alice", "phone");
      Frame send =
          Frame.newBuilder()
              .setSend(
                  Send.newBuilder()
                      .setClientMsgId("m1")
                      .setTo("user:bob")
                      .setPayload(ByteString.copyFrom(new byte[LIMIT - 20])))
              .build();

      Frame answer = join(up.handle(send));

      assertThat(answer.getError().getCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
      assertThat(answer.getError().getClientMsgId()).isEqualTo("m1");
    }
  }

  @Test
  void headersCountTowardsTheLimitOnEveryPushPath() {
    Message bigHeaders = new Message("system", "", ByteString.copyFrom(new byte[10]), java.util.Map.of("h", "x".repeat(LIMIT)));
    try (Router router = Fixtures.router().maxFrameBytes(LIMIT).build()) {
      assertCode(failure(router.push("bob", bigHeaders)), ErrorCode.FRAME_TOO_LARGE);
      assertCode(failure(router.pushAll("bob", List.of(bigHeaders))), ErrorCode.FRAME_TOO_LARGE);
      assertCode(failure(router.publishToRoom("lobby", bigHeaders)), ErrorCode.FRAME_TOO_LARGE);
    }
  }

  @Test
  void aRoomMessageOverTheLimitIsRefused() {
    try (Router router = Fixtures.router().maxFrameBytes(LIMIT).build()) {
      assertCode(failure(router.publishToRoom("lobby", payloadOf(LIMIT))), ErrorCode.FRAME_TOO_LARGE);
    }
  }
}

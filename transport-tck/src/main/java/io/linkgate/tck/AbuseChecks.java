package io.linkgate.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.router.Message;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Hostile or broken clients: oversized frames, garbage, a client that stops reading. Each is told
 * why and disconnected, and the node keeps serving everyone else.
 */
final class AbuseChecks {
  /** Payload of each push in the slow-consumer flood. */
  private static final int FLOOD_PAYLOAD_BYTES = 4 * 1024;

  /** The flood is at least this much, far beyond any socket buffers plus the outbound bound. */
  private static final long MIN_FLOOD_BYTES = 16L * 1024 * 1024;

  private final Fixture fx;

  AbuseChecks(Fixture fx) {
    this.fx = fx;
  }

  void oversizedFrameIsRefused(Role role, boolean afterHello) throws IOException {
    Healthy healthy = healthy();
    RawConnection raw = fx.raw(role);
    if (afterHello) {
      fx.rawHandshake(raw, fx.hello(fx.user("mallory"), "m-phone", role));
    }
    int declared = fx.limits().maxFrameBytes() * 16;
    raw.sendOversizedFrame(declared);
    fx.expectErrorThenClose(
        raw,
        ErrorCode.FRAME_TOO_LARGE,
        "a "
            + declared
            + "-byte frame "
            + (afterHello ? "after" : "instead of")
            + " the "
            + role
            + " Hello");
    healthy.assertServed();
  }

  void garbageIsRefused(Role role, boolean afterHello) throws IOException {
    Healthy healthy = healthy();
    RawConnection raw = fx.raw(role);
    if (afterHello) {
      fx.rawHandshake(raw, fx.hello(fx.user("mallory"), "m-phone", role));
    }
    raw.sendGarbage();
    fx.expectErrorThenClose(
        raw,
        ErrorCode.BAD_FRAME,
        "garbage " + (afterHello ? "after" : "instead of") + " the " + role + " Hello");
    healthy.assertServed();
  }

  /**
   * A downlink that stops reading while pushes pour in. The node must neither buffer the flood nor
   * stall others: the healthy downlink is served while the slow one is stuck; once the slow client
   * reads again it finds a gap-free prefix of its pushes, far less than was pushed, then Error
   * SLOW_CONSUMER, then the close.
   */
  void slowConsumerIsDisconnectedWithMemoryBounded() throws IOException {
    Healthy healthy = healthy();
    String slow = fx.user("slow");
    RawConnection raw = fx.raw(Role.DOWNLINK);
    // The longest heartbeat, so the miss window does not close the connection first.
    fx.rawHandshake(raw, fx.downlinkHello(slow, "slow-phone", 0, fx.limits().maxHeartbeatMs()));
    raw.pauseReading();

    long floodBytes = Math.max(MIN_FLOOD_BYTES, 64L * fx.limits().outboundQueueBytes());
    int count = (int) (floodBytes / FLOOD_PAYLOAD_BYTES);
    byte[] payload = new byte[FLOOD_PAYLOAD_BYTES];
    Arrays.fill(payload, (byte) 'x');
    Message message = new Message("tck", "user:" + slow, ByteString.copyFrom(payload), Map.of());
    List<CompletionStage<Push>> pushes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      pushes.add(fx.senderRouter().push(slow, message));
    }
    for (CompletionStage<Push> p : pushes) {
      fx.join(p, "router push into a stalled downlink");
    }

    // Others are served while the slow client is still stuck.
    healthy.assertServed();

    long expectedSeq = 1;
    long receivedBytes = 0;
    Frame last = null;
    while (true) {
      Frame f = fx.receive(raw, "draining the slow downlink");
      if (f == null) {
        break;
      }
      if (last != null) {
        fail(
            "after %s the server sent %s instead of closing",
            Wire.describe(last), Wire.describe(f));
      }
      if (f.hasPush()) {
        assertThat(f.getPush().getSeq())
            .as("pushes before the cut are gap-free")
            .isEqualTo(expectedSeq++);
        receivedBytes += f.getPush().getPayload().size();
      } else {
        last = f;
      }
    }
    assertThat(Wire.isError(last, ErrorCode.SLOW_CONSUMER))
        .as(
            "the last frame before the close is Error SLOW_CONSUMER, got %s after %d pushes",
            Wire.describe(last), expectedSeq - 1)
        .isTrue();
    assertThat(receivedBytes)
        .as(
            "bytes of the %d-byte flood that reached the client (outbound bound %d)",
            floodBytes, fx.limits().outboundQueueBytes())
        .isLessThan(floodBytes / 2);
    fx.awaitOffline(slow);
    healthy.assertServed();
  }

  private Healthy healthy() {
    String user = fx.user("healthy");
    return new Healthy(user, fx.downlink(user, user + "-phone"));
  }

  /** A well-behaved downlink, opened before the abuse, that must keep receiving. */
  private final class Healthy {
    private final String user;
    private final TestDownlink downlink;

    Healthy(String user, TestDownlink downlink) {
      this.user = user;
      this.downlink = downlink;
    }

    void assertServed() {
      downlink.assertOpen();
      fx.assertStillServing(downlink, user);
    }
  }
}

package io.linkgate.router;

import static io.linkgate.router.Fixtures.DOWN;
import static io.linkgate.router.Fixtures.connect;
import static io.linkgate.router.Fixtures.downHello;
import static io.linkgate.router.Fixtures.failure;
import static io.linkgate.router.Fixtures.join;
import static io.linkgate.router.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.PushAck;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Welcome;
import io.linkgate.api.transport.DownlinkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DownlinkHandshakeTest {
  private final Router router = Fixtures.router().maxDevicesPerUser(2).build();

  @AfterEach
  void close() {
    router.close();
  }

  @Test
  void welcomeIsTheFirstFrameAndDescribesTheSession() {
    RecordingChannel ch = new RecordingChannel();
    DownlinkSession session = connect(router, "alice", "phone", 0, ch);

    Welcome w = ch.welcome();
    assertThat(ch.frames()).hasSize(1);
    assertThat(w.getSessionId()).isEqualTo(session.sessionId()).isNotEmpty();
    assertThat(w.getNodeId()).isEqualTo("n1");
    assertThat(w.getUserId()).isEqualTo("alice");
    assertThat(w.getHeartbeatMs()).isEqualTo(DOWN.heartbeatMs());
    assertThat(w.getLastSeq()).isZero();
    assertThat(w.getResumed()).isTrue();
    assertThat(w.getEpoch()).isNotEmpty();
    assertThat(router.localDownlinkCount()).isEqualTo(1);
    assertThat(join(router.isOnline("alice"))).isTrue();
    assertThat(join(router.sessionsOf("alice")))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.deviceId()).isEqualTo("phone");
              assertThat(d.sessionId()).isEqualTo(session.sessionId());
              assertThat(d.nodeId()).isEqualTo("n1");
            });
  }

  @Test
  void badTokenFailsWithUnauthenticatedAndSendsNothing() {
    RecordingChannel ch = new RecordingChannel();
    Hello hello = downHello("alice", "phone", 0).toBuilder().setToken("garbage").build();
    assertCode(failure(router.openDownlink(hello, DOWN, ch)), ErrorCode.UNAUTHENTICATED);
    assertThat(ch.frames()).isEmpty();
    assertThat(router.localDownlinkCount()).isZero();
  }

  @Test
  void wrongRoleOrMissingDeviceIsInvalidArgument() {
    RecordingChannel ch = new RecordingChannel();
    Hello uplinkRole = downHello("alice", "phone", 0).toBuilder().setRole(Role.UPLINK).build();
    assertCode(failure(router.openDownlink(uplinkRole, DOWN, ch)), ErrorCode.INVALID_ARGUMENT);
    Hello noDevice = downHello("alice", "", 0);
    assertCode(failure(router.openDownlink(noDevice, DOWN, ch)), ErrorCode.INVALID_ARGUMENT);
    assertThat(ch.frames()).isEmpty();
  }

  @Test
  void devicesPerUserAreBounded() {
    connect(router, "alice", "d1", 0, new RecordingChannel());
    connect(router, "alice", "d2", 0, new RecordingChannel());
    Throwable t = failure(router.openDownlink(downHello("alice", "d3", 0), DOWN, new RecordingChannel()));
    assertCode(t, ErrorCode.RATE_LIMITED);
    assertThat(t).hasMessageContaining("too many devices");
    // Reconnecting a known device is still allowed at the limit.
    connect(router, "alice", "d2", 0, new RecordingChannel());
    assertThat(router.localDownlinkCount()).isEqualTo(2);
  }

  @Test
  void aNewConnectionOfTheSameDeviceReplacesTheOld() {
    RecordingChannel first = new RecordingChannel();
    DownlinkSession old = connect(router, "alice", "phone", 0, first);
    RecordingChannel second = new RecordingChannel();
    DownlinkSession fresh = connect(router, "alice", "phone", 0, second);

    assertThat(first.isOpen()).isFalse();
    assertThat(first.closedWith().getGoAway().getReason()).contains("replaced by a newer connection");
    join(router.push("alice", text("hi")));
    assertThat(first.pushes()).isEmpty();
    assertThat(second.seqs()).containsExactly(1L);

    old.onClosed(); // the transport reports the old connection gone: the new one stays
    assertThat(router.localDownlinkCount()).isEqualTo(1);
    assertThat(join(router.sessionsOf("alice")))
        .singleElement()
        .satisfies(d -> assertThat(d.sessionId()).isEqualTo(fresh.sessionId()));
  }

  @Test
  void unexpectedFrameOnADownlinkIsBadFrameAndTheSessionStays() {
    RecordingChannel ch = new RecordingChannel();
    DownlinkSession session = connect(router, "alice", "phone", 0, ch);
    Frame answer = join(session.onFrame(Fixtures.send("c1", "user:bob", "x")));
    assertThat(answer.getError().getCode()).isEqualTo(ErrorCode.BAD_FRAME);
    Frame unknown = join(session.onFrame(Frame.getDefaultInstance()));
    assertThat(unknown.getError().getCode()).isEqualTo(ErrorCode.BAD_FRAME);
    assertThat(ch.isOpen()).isTrue();
    join(router.push("alice", text("still here")));
    assertThat(ch.seqs()).containsExactly(1L);
  }

  @Test
  void pushAckIsCumulativeAndNeverGoesBackwards() {
    RecordingChannel ch = new RecordingChannel();
    DownlinkSession session = connect(router, "alice", "phone", 0, ch);
    for (int i = 0; i < 5; i++) {
      join(router.push("alice", text("m" + i)));
    }
    assertThat(join(session.onFrame(ack(4)))).isEqualTo(Frame.getDefaultInstance());
    assertThat(ackedSeq("alice")).isEqualTo(4);
    join(session.onFrame(ack(2)));
    assertThat(ackedSeq("alice")).isEqualTo(4);
    join(session.onFrame(ack(99))); // more than was sent: capped at what the device got
    assertThat(ackedSeq("alice")).isEqualTo(5);
  }

  @Test
  void closingUnregistersTheDevice() {
    DownlinkSession session = connect(router, "alice", "phone", 0, new RecordingChannel());
    session.onClosed();
    session.onClosed(); // idempotent
    assertThat(router.localDownlinkCount()).isZero();
    assertThat(join(router.isOnline("alice"))).isFalse();
  }

  private long ackedSeq(String user) {
    return join(router.sessionsOf(user)).get(0).ackedSeq();
  }

  static Frame ack(long seq) {
    return Frame.newBuilder().setPushAck(PushAck.newBuilder().setUpToSeq(seq)).build();
  }

  static void assertCode(Throwable t, ErrorCode code) {
    assertThat(t).isInstanceOf(GatewayException.class);
    assertThat(((GatewayException) t).code()).isEqualTo(code);
  }
}

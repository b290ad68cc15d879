package io.linkgate.router;

import static io.linkgate.router.Fixtures.connect;
import static io.linkgate.router.Fixtures.join;
import static io.linkgate.router.Fixtures.send;
import static io.linkgate.router.Fixtures.text;
import static io.linkgate.router.Fixtures.uplink;
import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Subscribe;
import io.linkgate.api.proto.Unsubscribe;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.router.internal.InMemoryRouterStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoomTest {

  @Test
  void roomFanOutSharesOneEncodedFrameAcrossAllSubscribers() {
    try (Router router = Fixtures.router().build()) {
      List<RecordingChannel> members = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        RecordingChannel ch = new RecordingChannel();
        DownlinkSession s = connect(router, "u" + i, "d", 0, ch);
        assertThat(join(s.onFrame(subscribe("stream")))).isEqualTo(Frame.getDefaultInstance());
        members.add(ch);
      }
      RecordingChannel outsider = new RecordingChannel();
      connect(router, "other", "d", 0, outsider);

      assertThat(join(router.publishToRoom("stream", text("goal!")))).isEqualTo(5);

      EncodedFrame shared = members.get(0).encoded().get(1);
      for (RecordingChannel ch : members) {
        assertThat(ch.encoded().get(1)).isSameAs(shared);
      }
      Push p = shared.frame().getPush();
      assertThat(p.getSeq()).isZero();
      assertThat(p.getTo()).isEqualTo("room:stream");
      assertThat(outsider.pushes()).isEmpty();
    }
  }

  @Test
  void sendToARoomReachesSubscribersWithTheSenderAsFrom() {
    try (Router router = Fixtures.router().build()) {
      RecordingChannel viewer = new RecordingChannel();
      join(connect(router, "viewer", "d", 0, viewer).onFrame(subscribe("live")));
      Frame answer = join(uplink(router, "host", "d").handle(send("c1", "room:live", "hello room")));
      assertThat(answer.getSendAck().getClientMsgId()).isEqualTo("c1");
      assertThat(viewer.pushes()).singleElement().satisfies(p -> {
        assertThat(p.getFrom()).isEqualTo("host");
        assertThat(p.getSeq()).isZero();
        assertThat(p.getMsgId()).isEqualTo(answer.getSendAck().getMsgId());
      });
    }
  }

  @Test
  void unsubscribeAndCloseLeaveTheRoom() {
    try (Router router = Fixtures.router().build()) {
      DownlinkSession a = connect(router, "a", "d", 0, new RecordingChannel());
      DownlinkSession b = connect(router, "b", "d", 0, new RecordingChannel());
      join(a.onFrame(subscribe("r")));
      join(b.onFrame(subscribe("r")));
      join(a.onFrame(subscribe("r"))); // twice is once
      assertThat(join(router.publishToRoom("r", text("1")))).isEqualTo(2);
      join(a.onFrame(Frame.newBuilder().setUnsubscribe(Unsubscribe.newBuilder().setRoom("r")).build()));
      assertThat(join(router.publishToRoom("r", text("2")))).isEqualTo(1);
      b.onClosed();
      assertThat(join(router.publishToRoom("r", text("3")))).isZero();
      assertThat(router.localRoomCount()).isZero();
    }
  }

  @Test
  void roomsPerSessionAreBoundedAndNamesChecked() {
    try (Router router = Fixtures.router().maxRoomsPerSession(2).build()) {
      DownlinkSession s = connect(router, "a", "d", 0, new RecordingChannel());
      assertThat(join(s.onFrame(subscribe("r1")))).isEqualTo(Frame.getDefaultInstance());
      assertThat(join(s.onFrame(subscribe("r2")))).isEqualTo(Frame.getDefaultInstance());
      Frame third = join(s.onFrame(subscribe("r3")));
      assertThat(third.getError().getCode()).isEqualTo(ErrorCode.RATE_LIMITED);
      assertThat(third.getError().getMessage()).contains("at most 2 rooms");
      assertThat(join(s.onFrame(subscribe(""))).getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }
  }

  @Test
  void eachNodeWithMembersDeliversARoomMessage() {
    InMemoryRouterStore shared = new InMemoryRouterStore(100, 1000, Duration.ofHours(1));
    try (Router a = Fixtures.router().nodeId("a").store(shared).build();
        Router b = Fixtures.router().nodeId("b").store(shared).build()) {
      RecordingChannel onA = new RecordingChannel();
      RecordingChannel onB = new RecordingChannel();
      join(connect(a, "x", "d", 0, onA).onFrame(subscribe("r")));
      join(connect(b, "y", "d", 0, onB).onFrame(subscribe("r")));
      assertThat(join(a.publishToRoom("r", text("both")))).isEqualTo(1); // local recipients
      assertThat(onA.pushes()).hasSize(1);
      assertThat(onB.pushes()).hasSize(1);
    }
  }

  private static Frame subscribe(String room) {
    return Frame.newBuilder().setSubscribe(Subscribe.newBuilder().setRoom(room)).build();
  }
}

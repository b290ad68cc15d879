package io.linkgate.router;

import static io.linkgate.router.Fixtures.connect;
import static io.linkgate.router.Fixtures.join;
import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Subscribe;
import io.linkgate.api.transport.DownlinkSession;
import org.junit.jupiter.api.Test;

class KickAndRoomsTest {

  @Test
  void kickingOneDeviceSendsItAGoAwayAndLeavesTheOthers() {
    try (Router router = Fixtures.router().build()) {
      RecordingChannel phone = new RecordingChannel();
      RecordingChannel tablet = new RecordingChannel();
      connect(router, "bob", "phone", 0, phone);
      connect(router, "bob", "tablet", 0, tablet);
      assertThat(join(router.kick("bob", "phone", "kicked by an operator"))).isEqualTo(1);
      assertThat(phone.closedWith().getGoAway().getReason()).isEqualTo("kicked by an operator");
      assertThat(tablet.isOpen()).isTrue();
      assertThat(join(router.kick("bob", null, "all of them"))).isEqualTo(1);
      assertThat(tablet.closedWith().getGoAway().getReason()).isEqualTo("all of them");
      assertThat(join(router.kick("nobody", null, "x"))).isZero();
    }
  }

  @Test
  void localRoomsAreListedByNameAPageAtATime() {
    try (Router router = Fixtures.router().build()) {
      DownlinkSession a = connect(router, "a", "d", 0, new RecordingChannel());
      DownlinkSession b = connect(router, "b", "d", 0, new RecordingChannel());
      for (String room : new String[] {"zoo", "lobby", "news"}) {
        join(a.onFrame(subscribe(room)));
      }
      join(b.onFrame(subscribe("lobby")));
      assertThat(router.localRooms(0, 2))
          .containsExactly(new Router.RoomMembers("lobby", 2), new Router.RoomMembers("news", 1));
      assertThat(router.localRooms(2, 2)).containsExactly(new Router.RoomMembers("zoo", 1));
      assertThat(router.localRoomMemberCount()).isEqualTo(4);
    }
  }

  private static Frame subscribe(String room) {
    return Frame.newBuilder().setSubscribe(Subscribe.newBuilder().setRoom(room)).build();
  }
}

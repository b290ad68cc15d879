package io.linkgate.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.SendAck;

/** Room fan-out: best effort, seq 0, to every current member on whichever channel subscribed it. */
final class RoomChecks {
  private final Fixture fx;

  RoomChecks(Fixture fx) {
    this.fx = fx;
  }

  void roomMessageReachesEveryMemberWithSeqZero() {
    String alice = fx.user("alice");
    String room = fx.room("stage");
    String bob = fx.user("bob");
    String carol = fx.user("carol");
    String dave = fx.user("dave");
    TestDownlink bobDown = fx.downlink(bob, "bob-phone");
    TestDownlink carolDown = fx.downlink(carol, "carol-phone");
    TestDownlink daveDown = fx.downlink(dave, "dave-phone");
    bobDown.send(Wire.subscribe(room));
    carolDown.send(Wire.subscribe(room));
    fx.awaitRoomMembers(room, 2);

    ClientUplink up = fx.uplink(alice, "alice-phone");
    SendAck ack = fx.send(up, Wire.send("room-1", "room:" + room, "to the room"));
    for (TestDownlink member : new TestDownlink[] {bobDown, carolDown}) {
      Push p = member.nextPush();
      assertThat(Wire.text(p)).as("%s: payload", member.label()).isEqualTo("to the room");
      assertThat(p.getSeq()).as("%s: room pushes carry seq 0", member.label()).isZero();
      assertThat(p.getFrom()).as("%s: from", member.label()).isEqualTo(alice);
      assertThat(p.getTo()).as("%s: to", member.label()).isEqualTo("room:" + room);
      assertThat(p.getMsgId())
          .as("%s: msg_id equals the SendAck's", member.label())
          .isEqualTo(ack.getMsgId());
    }

    // Leaving on the downlink: bob no longer gets the room's messages, carol still does.
    bobDown.send(Wire.unsubscribe(room));
    fx.awaitRoomMembers(room, 1);
    fx.send(up, Wire.send("room-2", "room:" + room, "second"));
    assertThat(Wire.text(carolDown.nextPush())).isEqualTo("second");

    fx.push(bob, "marker");
    fx.push(dave, "marker");
    assertThat(Wire.text(bobDown.nextPush()))
        .as("bob left before the second message")
        .isEqualTo("marker");
    assertThat(Wire.text(daveDown.nextPush())).as("dave never joined").isEqualTo("marker");
  }

  void subscriptionsOnTheUplinkApplyToTheSameDevicesDownlink() {
    String alice = fx.user("alice");
    String carol = fx.user("carol");
    String room = fx.room("stage");
    TestDownlink carolDown = fx.downlink(carol, "carol-tablet");
    ClientUplink carolUp = fx.uplink(carol, "carol-tablet");
    ClientUplink aliceUp = fx.uplink(alice, "alice-phone");

    Fixture.assertEmptyAck(fx.call(carolUp, Wire.subscribe(room)), "Subscribe on the uplink");
    fx.awaitMembershipAcrossNodes(carolDown, room);
    fx.send(aliceUp, Wire.send("u-1", "room:" + room, "first"));
    Push p = carolDown.nextPush();
    assertThat(Wire.text(p)).isEqualTo("first");
    assertThat(p.getSeq()).isZero();

    Fixture.assertEmptyAck(fx.call(carolUp, Wire.unsubscribe(room)), "Unsubscribe on the uplink");
    fx.awaitLeftAcrossNodes(room);
    fx.send(aliceUp, Wire.send("u-2", "room:" + room, "second"));
    fx.push(carol, "marker");
    assertThat(Wire.text(carolDown.nextPush()))
        .as("carol left before the second message")
        .isEqualTo("marker");
  }
}

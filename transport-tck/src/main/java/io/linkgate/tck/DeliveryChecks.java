package io.linkgate.tck;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UnknownFieldSet;
import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Push;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.SendAck;
import io.linkgate.router.DeviceSession;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** Send, SendAck, Push: order, identity, idempotency, and uplinks paired with downlinks. */
final class DeliveryChecks {
  private final Fixture fx;

  DeliveryChecks(Fixture fx) {
    this.fx = fx;
  }

  void sendIsAckedAndPushedFromTheAuthenticatedSender() {
    String alice = fx.user("alice");
    String bob = fx.user("bob");
    TestDownlink bobPhone = fx.downlink(bob, "bob-phone");
    ClientUplink up = fx.uplink(alice, "alice-phone");
    // A client cannot name itself: a "from" header is opaque data, never the sender.
    Map<String, String> headers = Map.of("x-kind", "greeting", "from", "mallory");

    List<SendAck> acks = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      SendAck ack = fx.send(up, Wire.send("c-" + i, "user:" + bob, "hello " + i, headers));
      assertThat(ack.getClientMsgId()).as("SendAck.client_msg_id").isEqualTo("c-" + i);
      assertThat(ack.getMsgId()).as("SendAck.msg_id").isNotEmpty();
      assertThat(ack.getServerTimeMs()).as("SendAck.server_time_ms").isPositive();
      acks.add(ack);
    }
    assertThat(acks.stream().map(SendAck::getMsgId).distinct().count())
        .as("distinct msg ids")
        .isEqualTo(3);

    for (int i = 1; i <= 3; i++) {
      Push p = bobPhone.nextPush();
      assertThat(p.getSeq()).as("seq of push %d", i).isEqualTo(i);
      assertThat(p.getFrom()).as("Push.from is the authenticated sender").isEqualTo(alice);
      assertThat(p.getTo()).as("Push.to").isEqualTo("user:" + bob);
      assertThat(Wire.text(p)).as("payload").isEqualTo("hello " + i);
      assertThat(p.getHeadersMap()).as("headers").containsAllEntriesOf(headers);
      assertThat(p.getMsgId())
          .as("Push.msg_id equals the SendAck's")
          .isEqualTo(acks.get(i - 1).getMsgId());
      assertThat(p.getServerTimeMs()).as("Push.server_time_ms").isPositive();
    }
  }

  /**
   * Three senders pipeline interleaved sends to one user with two devices: each device sees seq
   * 1..n without gap or repeat, and each sender's messages in the order sent.
   */
  void pushesArriveInSeqOrderAcrossManyMessages() {
    int senders = 3;
    // Several times what the inbox holds, on purpose: devices that read keep up, however far the
    // senders run ahead of the inbox bound. A gap fill that started late once let concurrent
    // senders push the gap's start out of the inbox, and live devices were told RESYNC_REQUIRED.
    int perSender = 100;
    String bob = fx.user("bob");
    TestDownlink phone = fx.downlink(bob, "bob-phone");
    TestDownlink laptop = fx.downlink(bob, "bob-laptop");
    List<ClientUplink> uplinks = new ArrayList<>();
    List<String> senderIds = new ArrayList<>();
    for (int s = 0; s < senders; s++) {
      String id = fx.user("sender" + s);
      senderIds.add(id);
      uplinks.add(fx.uplink(id, id + "-phone"));
    }
    List<CompletionStage<Frame>> answers = new ArrayList<>();
    for (int i = 0; i < perSender; i++) {
      for (int s = 0; s < senders; s++) {
        answers.add(uplinks.get(s).call(Wire.send("m-" + i, "user:" + bob, s + ":" + i)));
      }
    }
    for (CompletionStage<Frame> a : answers) {
      Frame f = fx.join(a, "pipelined send");
      assertThat(f.hasSendAck()).as("answer %s", Wire.describe(f)).isTrue();
    }
    for (TestDownlink device : List.of(phone, laptop)) {
      int[] nextFromSender = new int[senders];
      for (int seq = 1; seq <= senders * perSender; seq++) {
        Push p = device.nextPush();
        assertThat(p.getSeq()).as("%s: seq", device.label()).isEqualTo(seq);
        String[] parts = Wire.text(p).split(":");
        int s = Integer.parseInt(parts[0]);
        assertThat(p.getFrom()).isEqualTo(senderIds.get(s));
        assertThat(Integer.parseInt(parts[1]))
            .as("%s: sender %d's messages in the order sent", device.label(), s)
            .isEqualTo(nextFromSender[s]++);
      }
    }
  }

  /**
   * Sends interleaved with pings, all in flight at once: answers come back one per frame, in order,
   * even though the transport answers a Ping itself and a Send only after the router.
   */
  void uplinkAnswersPipelinedFramesInOrder() {
    String alice = fx.user("alice");
    String bob = fx.user("bob");
    TestDownlink bobPhone = fx.downlink(bob, "bob-phone");
    ClientUplink up = fx.uplink(alice, "alice-phone");
    int sends = 200;
    List<Frame> sent = new ArrayList<>();
    List<CompletionStage<Frame>> answers = new ArrayList<>();
    for (int i = 0; i < sends; i++) {
      Frame send = Wire.send("p-" + i, "user:" + bob, "msg " + i);
      sent.add(send);
      answers.add(up.call(send));
      if (i % 10 == 0) {
        Frame ping = Wire.ping(i);
        sent.add(ping);
        answers.add(up.call(ping));
      }
    }
    for (int i = 0; i < sent.size(); i++) {
      Frame request = sent.get(i);
      Frame answer = fx.join(answers.get(i), "answer " + i);
      if (request.hasSend()) {
        assertThat(
                answer.hasSendAck()
                    && answer
                        .getSendAck()
                        .getClientMsgId()
                        .equals(request.getSend().getClientMsgId()))
            .as(
                "answer %d to %s is its SendAck, got %s",
                i, request.getSend().getClientMsgId(), Wire.describe(answer))
            .isTrue();
      } else {
        assertThat(answer.hasPong() && answer.getPong().getNonce() == request.getPing().getNonce())
            .as(
                "answer %d to Ping %d is its Pong, got %s",
                i, request.getPing().getNonce(), Wire.describe(answer))
            .isTrue();
      }
    }
    for (int i = 0; i < sends; i++) {
      Push p = bobPhone.nextPush();
      assertThat(p.getSeq()).isEqualTo(i + 1);
      assertThat(Wire.text(p)).isEqualTo("msg " + i);
    }
  }

  /**
   * The same client_msg_id sent twice, then again on a new connection: one delivery, one msg_id.
   */
  void resendWithTheSameClientMsgIdIsDeliveredOnce() {
    String alice = fx.user("alice");
    String bob = fx.user("bob");
    TestDownlink bobPhone = fx.downlink(bob, "bob-phone");
    ClientUplink up = fx.uplink(alice, "alice-phone");
    Frame send = Wire.send("dup-1", "user:" + bob, "once");
    SendAck first = fx.send(up, send);
    SendAck again = fx.send(up, send);
    assertThat(again.getMsgId())
        .as("msg_id of a resend on the same uplink")
        .isEqualTo(first.getMsgId());
    assertThat(again.getClientMsgId()).isEqualTo("dup-1");
    up.close();
    ClientUplink retry = fx.uplink(alice, "alice-phone");
    assertThat(fx.send(retry, send).getMsgId())
        .as("msg_id of a resend on a new uplink")
        .isEqualTo(first.getMsgId());
    fx.send(retry, Wire.send("after-1", "user:" + bob, "after"));

    Push once = bobPhone.nextPush();
    assertThat(Wire.text(once)).isEqualTo("once");
    assertThat(once.getSeq()).isEqualTo(1);
    assertThat(once.getMsgId()).isEqualTo(first.getMsgId());
    Push after = bobPhone.nextPush();
    assertThat(Wire.text(after)).as("the next push after the resent message").isEqualTo("after");
    assertThat(after.getSeq()).isEqualTo(2);
  }

  void downlinkPushAckIsRecorded() {
    String bob = fx.user("bob");
    TestDownlink phone = fx.downlink(bob, "bob-phone");
    fx.push(bob, "one");
    fx.push(bob, "two");
    assertThat(phone.nextPushes(2)).extracting(Push::getSeq).containsExactly(1L, 2L);
    phone.send(Wire.pushAck(2));
    fx.await()
        .alias("the router records the downlink's PushAck")
        .until(() -> ackedSeq(bob, "bob-phone") == 2);
  }

  /**
   * One device, two connections: the downlink on one, the uplink on another. Acks and subscriptions
   * sent on the uplink apply to the downlink of the same device_id.
   */
  void uplinkAndDownlinkOfOneDeviceWorkTogether() {
    String alice = fx.user("alice");
    String bob = fx.user("bob");
    String carol = fx.user("carol");
    String room = fx.room("lobby");
    TestDownlink aliceDown = fx.downlink(alice, "alice-d");
    ClientUplink aliceUp = fx.uplink(alice, "alice-d");
    TestDownlink bobDown = fx.downlink(bob, "bob-d");
    ClientUplink carolUp = fx.uplink(carol, "carol-d"); // carol has no downlink: no copies to her

    fx.send(carolUp, Wire.send("c-1", "user:" + alice, "hi alice"));
    Push toAlice = aliceDown.nextPush();
    assertThat(Wire.text(toAlice)).isEqualTo("hi alice");
    assertThat(toAlice.getFrom()).isEqualTo(carol);

    Fixture.assertEmptyAck(
        fx.call(aliceUp, Wire.pushAck(toAlice.getSeq())), "PushAck on the uplink");
    fx.await()
        .alias("a PushAck sent on the uplink acks the same device's downlink")
        .until(() -> ackedSeq(alice, "alice-d") == toAlice.getSeq());

    Fixture.assertEmptyAck(fx.call(aliceUp, Wire.subscribe(room)), "Subscribe on the uplink");
    fx.awaitMembershipAcrossNodes(aliceDown, room);
    fx.send(carolUp, Wire.send("c-2", "room:" + room, "hi room"));
    Push roomPush = aliceDown.nextPush();
    assertThat(Wire.text(roomPush)).isEqualTo("hi room");
    assertThat(roomPush.getSeq()).as("room pushes carry seq 0").isZero();

    fx.send(aliceUp, Wire.send("a-1", "user:" + bob, "hi bob"));
    Push toBob = bobDown.nextPush();
    assertThat(Wire.text(toBob)).isEqualTo("hi bob");
    assertThat(toBob.getFrom()).isEqualTo(alice);
  }

  /** A client speaking the server's part, or the wrong role's part, is told so with an Error. */
  void framesThatMakeNoSenseForTheRoleGetAnError() {
    String alice = fx.user("alice");
    String bob = fx.user("bob");
    TestDownlink bobPhone = fx.downlink(bob, "bob-phone");

    Frame forgedPush =
        Frame.newBuilder()
            .setPush(
                Push.newBuilder()
                    .setSeq(99)
                    .setFrom("admin")
                    .setTo("user:" + bob)
                    .setPayload(Wire.utf8("forged")))
            .build();
    Frame onUplink = fx.call(fx.uplink(alice, "alice-phone"), forgedPush);
    assertThat(onUplink.hasError())
        .as("answer to a Push sent on an uplink: %s", Wire.describe(onUplink))
        .isTrue();
    Frame secondHello = Wire.frame(fx.hello(alice, "alice-phone", Role.UPLINK));
    Frame helloAgain = fx.call(fx.uplink(alice, "alice-phone"), secondHello);
    assertThat(helloAgain.hasError())
        .as("answer to a second Hello: %s", Wire.describe(helloAgain))
        .isTrue();

    TestDownlink aliceDown = fx.downlink(alice, "alice-phone");
    aliceDown.send(Wire.send("on-downlink", "user:" + bob, "wrong channel"));
    Frame onDownlink = aliceDown.nextNonPush();
    assertThat(onDownlink.hasError())
        .as("answer to a Send on a downlink: %s", Wire.describe(onDownlink))
        .isTrue();

    fx.push(bob, "marker");
    assertThat(Wire.text(bobPhone.nextPush()))
        .as("neither the forged push nor the misdirected send reached bob")
        .isEqualTo("marker");
  }

  /** A frame of a kind this version does not know (a newer client's, say) gets Error BAD_FRAME. */
  void unknownFrameKindGetsBadFrame() {
    String alice = fx.user("alice");
    Frame unknown =
        Frame.newBuilder()
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                    .build())
            .build();
    Frame answer = fx.call(fx.uplink(alice, "alice-phone"), unknown);
    assertThat(Wire.isError(answer, ErrorCode.BAD_FRAME))
        .as("uplink answer to an unknown frame kind: %s", Wire.describe(answer))
        .isTrue();
    TestDownlink dl = fx.downlink(alice, "alice-phone");
    dl.send(unknown);
    Frame onDownlink = dl.nextNonPush();
    assertThat(Wire.isError(onDownlink, ErrorCode.BAD_FRAME))
        .as("downlink answer to an unknown frame kind: %s", Wire.describe(onDownlink))
        .isTrue();
  }

  private long ackedSeq(String user, String device) {
    Set<Long> acked = new HashSet<>();
    for (DeviceSession s : fx.join(fx.router().sessionsOf(user), "sessionsOf " + user)) {
      if (s.deviceId().equals(device)) {
        acked.add(s.ackedSeq());
      }
    }
    return acked.size() == 1 ? acked.iterator().next() : -1;
  }
}

package io.linkgate.router;

import static io.linkgate.router.Fixtures.connect;
import static io.linkgate.router.Fixtures.failure;
import static io.linkgate.router.Fixtures.join;
import static io.linkgate.router.Fixtures.send;
import static io.linkgate.router.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.EncodedFrame;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Subscribe;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.api.transport.TransportEvents;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RouterEventsTest {
  /** Writes down what the router reports. */
  static final class Recorded implements RouterEvents {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void handshakeRefused(Role role, ErrorCode code) {
      events.add("refused " + role + " " + code);
    }

    @Override
    public void resumed(boolean complete) {
      events.add("resumed " + complete);
    }

    @Override
    public void sendAnswered(ErrorCode code, long nanos) {
      events.add("send " + (code == null ? "ack" : code) + (nanos > 0 ? "" : " without a duration"));
    }

    @Override
    public void dedupHit() {
      events.add("dedup hit");
    }

    @Override
    public void pushesStored(int count) {
      events.add("stored " + count);
    }

    @Override
    public void pushRefused(ErrorCode code) {
      events.add("push refused " + code);
    }

    @Override
    public void roomDelivered(int members) {
      events.add("room " + members);
    }
  }

  @Test
  void handshakesSendsPushesAndRoomsAreReportedAsTheyHappen() {
    Recorded r = new Recorded();
    try (Router router = Fixtures.router().events(r).maxFrameBytes(1024).build()) {
      failure(router.openDownlink(Hello.newBuilder().setToken("garbage").setDeviceId("d").setRole(Role.DOWNLINK).build(), Fixtures.DOWN, new RecordingChannel()));
      DownlinkSession bob = connect(router, "bob", "phone", 0, new RecordingChannel());
      var up = Fixtures.uplink(router, "alice", "phone");
      join(up.handle(send("c1", "user:bob", "hi")));
      join(up.handle(send("c1", "user:bob", "hi"))); // a retry
      join(up.handle(send("c2", "nowhere", "x")));
      failure(router.push("bob", Message.of("s", "", new byte[2000])));
      join(router.pushAll("bob", List.of(text("a"), text("b"), text("c"))));
      join(bob.onFrame(Frame.newBuilder().setSubscribe(Subscribe.newBuilder().setRoom("r")).build()));
      join(router.publishToRoom("r", text("room")));
      connect(router, "bob", "tablet", 99, new RecordingChannel());
    }
    assertThat(r.events)
        .containsExactly(
            "refused DOWNLINK UNAUTHENTICATED",
            "resumed true",
            "stored 1", // to bob
            "stored 1", // alice's own copy
            "send ack",
            "dedup hit",
            "send ack",
            "send INVALID_ARGUMENT",
            "push refused FRAME_TOO_LARGE",
            "stored 3",
            "room 1",
            "resumed false");
  }

  @Test
  void eventsThatThrowFailTheStageOfThePushOrSendTheyReportNotTheCall() {
    RuntimeException broken = new IllegalStateException("the metrics broke");
    RouterEvents events =
        new RouterEvents() {
          @Override
          public void pushesStored(int count) {
            throw broken;
          }

          @Override
          public void sendAnswered(ErrorCode code, long nanos) {
            throw broken;
          }
        };
    try (Router router = Fixtures.router().events(events).build()) {
      var up = Fixtures.uplink(router, "alice", "phone");
      assertThat(failure(router.push("bob", text("hi")))).isSameAs(broken);
      assertThat(failure(up.handle(send("c1", "user:bob", "hi")))).isSameAs(broken);
    }
  }

  @Test
  void downlinksOpenedAndClosedAndUplinksOpenedAreReportedWithTheirTransport() {
    List<String> seen = new CopyOnWriteArrayList<>();
    RouterEvents events =
        new RouterEvents() {
          @Override
          public void downlinkOpened(String transport) {
            seen.add("down+ " + transport);
          }

          @Override
          public void downlinkClosed(String transport) {
            seen.add("down- " + transport);
          }

          @Override
          public void uplinkOpened(String transport) {
            seen.add("up " + transport);
          }
        };
    try (Router router = Fixtures.router().events(events).build()) {
      DownlinkSession first = connect(router, "bob", "phone", 0, new RecordingChannel());
      DownlinkSession second = connect(router, "bob", "phone", 0, new RecordingChannel()); // replaces the first
      first.onClosed(); // the replaced one counts as closed once its transport reports the close
      Fixtures.uplink(router, "bob", "phone");
      second.onClosed();
      second.onClosed(); // a second report changes nothing
      assertThat(seen).containsExactly("down+ test", "down+ test", "down- test", "up test", "down- test");
    }
  }

  @Test
  void eachTransportGetsTheEventsItsRouterEventsMakeForIt() {
    TransportEvents tcp = new TransportEvents() {};
    RouterEvents events =
        new RouterEvents() {
          @Override
          public TransportEvents transport(String transport) {
            return transport.equals("tcp") ? tcp : TransportEvents.NONE;
          }
        };
    try (Router router = Fixtures.router().events(events).build()) {
      assertThat(router.events("tcp")).isSameAs(tcp);
      assertThat(router.events("grpc")).isSameAs(TransportEvents.NONE);
    }
    try (Router router = Fixtures.router().build()) {
      assertThat(router.events("tcp")).isSameAs(TransportEvents.NONE);
    }
  }

  @Test
  void livePushesCarryTheTimeTheRouterAcceptedThemAndReplaysDoNot() {
    try (Router router = Fixtures.router().build()) {
      RecordingChannel first = new RecordingChannel();
      connect(router, "bob", "phone", 0, first);
      long before = System.nanoTime();
      join(router.push("bob", text("direct")));
      join(router.pushAll("bob", List.of(text("a"), text("b"))));
      List<EncodedFrame> live = first.encoded().subList(1, 4); // after the Welcome
      assertThat(live).allSatisfy(f -> assertThat(f.acceptedNanos() - before).isNotNegative());
      assertThat(first.encoded().get(0).acceptedNanos()).isZero(); // the Welcome

      RecordingChannel replayed = new RecordingChannel();
      connect(router, "bob", "tablet", 0, replayed);
      assertThat(replayed.encoded()).hasSize(4).allSatisfy(f -> assertThat(f.acceptedNanos()).isZero());
    }
  }
}

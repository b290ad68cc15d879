package io.linkgate.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Welcome;
import io.linkgate.api.transport.Limits;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** Hello, Welcome, tokens and the handshake timer. */
final class HandshakeChecks {
  private final Fixture fx;

  HandshakeChecks(Fixture fx) {
    this.fx = fx;
  }

  void welcomeCarriesTheIdentityFromTheToken(Role role) {
    String user = fx.user("alice");
    Welcome w =
        role == Role.DOWNLINK
            ? fx.downlink(user, "alice-phone").welcome()
            : fx.uplink(user, "alice-phone").welcome();
    assertThat(w.getUserId()).as("Welcome.user_id is the token's subject").isEqualTo(user);
    String nodeId = role == Role.DOWNLINK ? fx.router().nodeId() : fx.uplinkNode().router().nodeId();
    assertThat(w.getNodeId()).as("Welcome.node_id").isEqualTo(nodeId);
    assertThat(w.getSessionId()).as("Welcome.session_id").isNotEmpty();
    if (role == Role.DOWNLINK) {
      // The epoch matters where seqs are resumed: on the downlink.
      assertThat(w.getEpoch()).as("Welcome.epoch").isNotEmpty();
      assertThat(w.getHeartbeatMs())
          .as("granted heartbeat when the client proposes none")
          .isEqualTo(fx.limits().grantHeartbeatMs(0));
      assertThat(w.getLastSeq()).as("Welcome.last_seq of a user nothing was pushed to").isZero();
    }
  }

  void devicesOfOneUserGetDistinctSessionsInOneEpoch() {
    String user = fx.user("alice");
    Welcome phone = fx.downlink(user, "alice-phone").welcome();
    Welcome laptop = fx.downlink(user, "alice-laptop").welcome();
    assertThat(laptop.getSessionId())
        .as("session ids of two devices")
        .isNotEqualTo(phone.getSessionId());
    assertThat(laptop.getEpoch()).as("one user, one seq space").isEqualTo(phone.getEpoch());
  }

  void grantedHeartbeatIsClampedToTheBounds() {
    Limits limits = fx.limits();
    String user = fx.user("alice");
    int inRange = (limits.minHeartbeatMs() + limits.maxHeartbeatMs()) / 2;
    int[] proposals = {
      0,
      1,
      limits.minHeartbeatMs() - 1,
      inRange,
      limits.maxHeartbeatMs() + 1,
      limits.maxHeartbeatMs() * 4
    };
    int device = 0;
    for (int proposed : proposals) {
      TestDownlink dl = fx.downlink(fx.downlinkHello(user, "dev-" + device++, 0, proposed));
      assertThat(dl.welcome().getHeartbeatMs())
          .as(
              "heartbeat granted for a proposal of %d ms (bounds %d..%d, default %d)",
              proposed,
              limits.minHeartbeatMs(),
              limits.maxHeartbeatMs(),
              limits.defaultHeartbeatMs())
          .isEqualTo(limits.grantHeartbeatMs(proposed));
      dl.close();
    }
  }

  void badTokenIsRefusedWithUnauthenticated(BadToken kind, Role role) {
    String user = fx.user("mallory");
    Hello hello = Wire.hello(kind.mint(fx.secret(), user), "mallory-phone", role, 0, 0);
    CompletionStage<?> open =
        role == Role.DOWNLINK
            ? fx.client()
                .openDownlink(
                    fx.node().endpoint(role), hello, new TestDownlink("refused", fx.timeout()))
            : fx.client().openUplink(fx.node().endpoint(role), hello);
    GatewayException refusal =
        Fixture.gatewayCause(
            fx.failureOf(open, "opening a " + role + " with a " + kind + " token"));
    assertThat(refusal.code())
        .as("refusal of a %s token on the %s", kind, role)
        .isEqualTo(ErrorCode.UNAUTHENTICATED);
  }

  void refusedHelloClosesTheConnection(Role role) throws IOException {
    String user = fx.user("mallory");
    RawConnection raw = fx.raw(role);
    raw.send(
        Wire.frame(Wire.hello(BadToken.EXPIRED.mint(fx.secret(), user), "m-phone", role, 0, 0)));
    fx.expectErrorThenClose(raw, ErrorCode.UNAUTHENTICATED, role + " Hello with an expired token");
  }

  void connectionWithoutHelloIsClosedAfterTheHandshakeTimeout(Role role) throws IOException {
    RawConnection raw = fx.raw(role);
    long start = System.nanoTime();
    fx.expectErrorThenClose(raw, ErrorCode.TIMEOUT, role + " connection that never sends Hello");
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(elapsedMs)
        .as("closed no earlier than the handshake timeout (%s), less a margin",
            fx.limits().handshakeTimeout())
        .isGreaterThanOrEqualTo(fx.limits().handshakeTimeout().toMillis() * 8 / 10);
  }

  void aHelloTrickledByteByByteIsCutAtTheHandshakeDeadline(Role role) throws IOException {
    RawConnection raw = fx.raw(role);
    Duration deadline = fx.limits().handshakeTimeout();
    long start = System.nanoTime();
    // A valid Hello sent a byte every 100 ms would take far longer than the handshake timeout: a
    // deadline that restarts with every byte never fires, one from the connect does.
    raw.sendTrickled(
        Wire.frame(Wire.hello(fx.token(fx.user("slowloris")), "slow-phone", role, 0, 0)),
        Duration.ofMillis(100), deadline.multipliedBy(4));
    fx.expectErrorThenClose(raw, ErrorCode.TIMEOUT, role + " connection trickling its Hello");
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(elapsedMs)
        .as("closed at the handshake deadline (%s), not when the trickle ran out (%s)", deadline, deadline.multipliedBy(4))
        .isLessThan(deadline.multipliedBy(3).toMillis());
  }

  void firstFrameOtherThanHelloIsRefused(Role role) throws IOException {
    RawConnection raw = fx.raw(role);
    raw.send(Wire.ping(1));
    Frame f = fx.receive(raw, role + " Ping before Hello");
    assertThat(f != null && f.hasError())
        .as(
            "a %s connection whose first frame is a Ping gets an Error, got %s",
            role, Wire.describe(f))
        .isTrue();
    fx.expectClosed(raw, role + " connection after a refused first frame");
  }
}

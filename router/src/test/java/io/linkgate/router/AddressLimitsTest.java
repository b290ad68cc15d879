package io.linkgate.router;

import static io.linkgate.router.Fixtures.downHello;
import static io.linkgate.router.Fixtures.failure;
import static io.linkgate.router.Fixtures.join;
import static io.linkgate.router.Fixtures.upHello;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.api.transport.DownlinkSession;
import io.linkgate.api.transport.UplinkSession;
import org.junit.jupiter.api.Test;

class AddressLimitsTest {
  private static ConnectionInfo from(String remote, Role role) {
    return new ConnectionInfo("test", role, remote, false, role == Role.DOWNLINK ? 30_000 : 0);
  }

  private static ErrorCode code(Throwable t) {
    return GatewayException.from(t).code();
  }

  @Test
  void anAddressHoldsAtMostItsSessionsAcrossRolesAndGetsThemBackWhenTheyClose() {
    try (Router router = Fixtures.router().addressLimits(3, 0).build()) {
      DownlinkSession d1 = join(router.openDownlink(downHello("a", "d1", 0), from("/10.0.0.1:5001", Role.DOWNLINK), new RecordingChannel()));
      join(router.openDownlink(downHello("b", "d1", 0), from("10.0.0.1:5002", Role.DOWNLINK), new RecordingChannel()));
      UplinkSession up = join(router.openUplink(upHello("c", "d1"), from("10.0.0.1:5003", Role.UPLINK)));
      Throwable refused = failure(router.openUplink(upHello("d", "d1"), from("10.0.0.1:5004", Role.UPLINK)));
      assertThat(code(refused)).isEqualTo(ErrorCode.RATE_LIMITED);
      assertThat(refused).hasMessageContaining("sessions from your address");

      // Another address is not held back.
      join(router.openUplink(upHello("e", "d1"), from("10.0.0.2:6000", Role.UPLINK)));

      up.onClosed();
      join(router.openUplink(upHello("d", "d1"), from("10.0.0.1:5005", Role.UPLINK)));
      d1.onClosed();
      d1.onClosed(); // a second close gives nothing back twice
      join(router.openDownlink(downHello("f", "d1", 0), from("10.0.0.1:5006", Role.DOWNLINK), new RecordingChannel()));
      assertThat(code(failure(router.openDownlink(downHello("g", "d1", 0), from("10.0.0.1:5007", Role.DOWNLINK), new RecordingChannel()))))
          .isEqualTo(ErrorCode.RATE_LIMITED);
    }
  }

  @Test
  void aRefusedHandshakeGivesItsSlotBack() {
    try (Router router = Fixtures.router().addressLimits(1, 0).build()) {
      Hello badToken = upHello("a", "d1").toBuilder().setToken("not-a-token").build();
      assertThat(code(failure(router.openUplink(badToken, from("10.0.0.9:1", Role.UPLINK))))).isEqualTo(ErrorCode.UNAUTHENTICATED);
      join(router.openUplink(upHello("a", "d1"), from("10.0.0.9:2", Role.UPLINK)));
    }
  }

  /**
   * Opens {@code n} uplinks with a bad token from {@code address}: how many reached the token check
   * (refused UNAUTHENTICATED); every other one must have been refused RATE_LIMITED before it.
   */
  private static int badTokensReachingTheCheck(Router router, String address, int n) {
    int checked = 0;
    for (int i = 0; i < n; i++) {
      Hello bad = upHello("a", "d1").toBuilder().setToken("x").build();
      ErrorCode c = code(failure(router.openUplink(bad, from(address + ":" + i, Role.UPLINK))));
      assertThat(c).isIn(ErrorCode.UNAUTHENTICATED, ErrorCode.RATE_LIMITED);
      checked += c == ErrorCode.UNAUTHENTICATED ? 1 : 0;
    }
    return checked;
  }

  @Test
  void anAddressHandshakingInALoopIsRefusedPastItsRateWhileOthersGoOn() {
    try (Router router = Fixtures.router().addressLimits(0, 1).build()) {
      int accepted = badTokensReachingTheCheck(router, "10.0.0.3", 40);
      assertThat(accepted).as("the burst of twice the rate, and a little refill").isBetween(2, 4);
      join(router.openUplink(upHello("b", "d1"), from("[2001:db8::1]:443", Role.UPLINK)));
    }
  }

  @Test
  void uplinksWhoseTokensVerifyDoNotSpendTheAddressesHandshakeRate() {
    // The tunnel and gRPC open an uplink per request: an office behind one address sends more
    // requests a second than the rate, and each one's token is verified once and then cached.
    try (Router router = Fixtures.router().addressLimits(0, 1).build()) {
      for (int i = 0; i < 100; i++) {
        join(router.openUplink(upHello("u" + (i % 7), "d1"), from("10.0.0.4:" + (1000 + i), Role.UPLINK))).onClosed();
      }
      // Refused ones do spend it, and past it even a good token is refused before it is checked.
      assertThat(badTokensReachingTheCheck(router, "10.0.0.4", 40)).as("the burst of twice the rate, and a little refill").isBetween(2, 4);
      assertThat(code(failure(router.openUplink(upHello("u1", "d1"), from("10.0.0.4:2000", Role.UPLINK)))))
          .isEqualTo(ErrorCode.RATE_LIMITED);
    }
  }

  @Test
  void everyDownlinkHandshakeSpendsTheAddressesRate() {
    try (Router router = Fixtures.router().addressLimits(0, 1).build()) {
      int opened = 0;
      int limited = 0;
      for (int i = 0; i < 40; i++) {
        var opening =
            router.openDownlink(downHello("d" + i, "p", 0), from("10.0.0.5:" + i, Role.DOWNLINK), new RecordingChannel())
                .toCompletableFuture();
        Throwable refused = opening.handle((session, err) -> err).join();
        if (refused == null) {
          opening.join().onClosed();
          opened++;
        } else {
          assertThat(code(refused)).isEqualTo(ErrorCode.RATE_LIMITED);
          limited++;
        }
      }
      assertThat(opened).as("the burst of twice the rate, and a little refill").isBetween(2, 4);
      assertThat(limited).isEqualTo(40 - opened);
    }
  }

  @Test
  void limitsThatAreNegativeOrInfiniteAreRefusedWhenTheRouterIsBuilt() {
    assertThatThrownBy(() -> Router.builder().addressLimits(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Router.builder().addressLimits(0, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Router.builder().addressLimits(0, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Router.builder().addressLimits(0, Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Router.builder().sendRate(Double.POSITIVE_INFINITY, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

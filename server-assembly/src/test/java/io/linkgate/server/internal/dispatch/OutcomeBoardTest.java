package io.linkgate.server.internal.dispatch;

import static io.linkgate.server.internal.dispatch.DispatchRankingTest.ep;
import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.proto.ConnectResult;
import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OutcomeBoardTest {
  private final AtomicLong now = new AtomicLong(5_000_000);
  private final OutcomeBoard board = new OutcomeBoard(now::get);
  private final Endpoint e = ep("tcp", Role.DOWNLINK, "10.0.0.1", 7100);

  private void report(ConnectResult r, int times) {
    for (int i = 0; i < times; i++) {
      board.record(e, r);
    }
  }

  @Test
  void oneOrTwoUnluckyClientsDoNotSinkAnEndpoint() {
    report(ConnectResult.FAILED, 2);
    assertThat(board.penalty(e)).isZero();
    report(ConnectResult.FAILED, 1);
    assertThat(board.penalty(e)).isEqualTo(LoadGauge.MAX_LEVEL);
  }

  @Test
  void thePenaltyIsTheFailedShareInLevels() {
    report(ConnectResult.TIMED_OUT, 4);
    report(ConnectResult.WON, 2);
    report(ConnectResult.LOST, 2);
    assertThat(board.penalty(e)).isEqualTo(2);
    report(ConnectResult.CONNECT_RESULT_UNSPECIFIED, 50);
    assertThat(board.penalty(e)).as("unspecified results count for nothing").isEqualTo(2);
  }

  @Test
  void failuresAgeOutWithinAboutAMinuteAndSuccessesBringItBackSooner() {
    report(ConnectResult.FAILED, 10);
    assertThat(board.penalty(e)).isEqualTo(4);
    now.addAndGet(OutcomeBoard.HALF_LIFE_MS * 2); // 10 → 2.5 failures: under the threshold
    assertThat(board.penalty(e)).isZero();

    report(ConnectResult.FAILED, 10);
    report(ConnectResult.WON, 30);
    assertThat(board.penalty(e)).as("most recent attempts worked").isEqualTo(1);
  }

  @Test
  void theBoardHoldsABoundedNumberOfEndpoints() {
    for (int i = 0; i < OutcomeBoard.MAX_ENDPOINTS + 500; i++) {
      board.record(ep("tcp", Role.DOWNLINK, "h" + i, 1), ConnectResult.FAILED);
    }
    assertThat(board.size()).isEqualTo(OutcomeBoard.MAX_ENDPOINTS);
    now.addAndGet(OutcomeBoard.HALF_LIFE_MS * 10);
    board.record(ep("tcp", Role.DOWNLINK, "new", 1), ConnectResult.FAILED);
    assertThat(board.size()).as("aged-out entries make room").isEqualTo(1);
  }
}

package io.linkgate.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeartbeatLearnerTest {
  private static final String WIFI = "wifi";
  private static final String CELL = "cell:46001";

  private long now = 1_000_000_000L;
  private final HeartbeatLearner learner = new HeartbeatLearner(
      new HeartbeatLearner.Settings(30_000, 10_000, 300_000, 1.5, 2, Duration.ofHours(6)),
      () -> now);

  /** Survives idle periods until the interval steps, returning each interval reached. */
  private List<Long> surviveSteps(String net, int steps) {
    List<Long> reached = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      long at = learner.interval(net);
      learner.survived(net, at);
      learner.survived(net, at);
      reached.add(learner.interval(net));
    }
    return reached;
  }

  @Test
  void startsAtTheSafeIntervalAndStepsUpAfterEnoughSurvivals() {
    assertThat(learner.interval(WIFI)).isEqualTo(30_000);

    assertThat(learner.survived(WIFI, 30_000)).isFalse();
    assertThat(learner.interval(WIFI)).isEqualTo(30_000);
    assertThat(learner.survived(WIFI, 30_000)).isTrue();

    assertThat(learner.interval(WIFI)).isEqualTo(45_000);
  }

  @Test
  void neverStepsPastTheClientsMaximum() {
    assertThat(surviveSteps(WIFI, 8))
        .containsExactly(45_000L, 67_500L, 101_250L, 151_875L, 227_813L, 300_000L, 300_000L, 300_000L);
  }

  @Test
  void aDeathWhileProbingStepsBackToTheLastGoodIntervalAndPinsIt() {
    surviveSteps(WIFI, 2); // 30 s and 45 s survived; now probing 67.5 s

    learner.died(WIFI, 67_500);

    assertThat(learner.interval(WIFI)).isEqualTo(45_000);
    assertThat(surviveSteps(WIFI, 5)).containsOnly(45_000L);
    assertThat(learner.proposal(WIFI)).isEqualTo(45_000); // no probing: the node times out tight
  }

  @Test
  void probingResumesWhenThePinRunsOut() {
    surviveSteps(WIFI, 2);
    learner.died(WIFI, 67_500);

    now += Duration.ofHours(6).toNanos();

    assertThat(learner.proposal(WIFI)).isEqualTo(300_000);
    assertThat(surviveSteps(WIFI, 1)).containsExactly(67_500L);
  }

  @Test
  void whileProbingTheProposalIsTheCeilingSoOneConnectionCanStepUp() {
    assertThat(learner.proposal(WIFI)).isEqualTo(300_000);
    assertThat(learner.interval(WIFI)).isEqualTo(30_000);
  }

  @Test
  void aSingleDeathAtAnUnprovenIntervalIsNotBlamedOnTheInterval() {
    learner.died(WIFI, 30_000);
    assertThat(learner.interval(WIFI)).isEqualTo(30_000);

    learner.died(WIFI, 30_000);
    assertThat(learner.interval(WIFI)).isEqualTo(20_000);
    assertThat(learner.proposal(WIFI)).isEqualTo(20_000); // pinned below what failed
  }

  @Test
  void aSurvivalBetweenDeathsStartsTheCountAgain() {
    learner.died(WIFI, 30_000);
    learner.survived(WIFI, 30_000);
    learner.died(WIFI, 30_000);

    assertThat(learner.interval(WIFI)).isEqualTo(30_000);
  }

  @Test
  void stepsDownNoLowerThanTheClientsMinimum() {
    for (int i = 0; i < 10; i++) {
      long at = learner.interval(WIFI);
      learner.died(WIFI, at);
      learner.died(WIFI, at);
    }
    assertThat(learner.interval(WIFI)).isEqualTo(10_000);
  }

  @Test
  void reportsAboutAnIntervalNoLongerInUseAreIgnored() {
    surviveSteps(WIFI, 1); // now 45 s

    learner.died(WIFI, 30_000); // a late report from the connection before
    learner.survived(WIFI, 30_000);
    learner.survived(WIFI, 30_000);

    assertThat(learner.interval(WIFI)).isEqualTo(45_000);
  }

  @Test
  void eachNetworkLearnsOnItsOwn() {
    surviveSteps(WIFI, 2);
    learner.died(WIFI, 67_500);

    assertThat(learner.interval(CELL)).isEqualTo(30_000);
    assertThat(surviveSteps(CELL, 3)).containsExactly(45_000L, 67_500L, 101_250L);
    assertThat(learner.interval(WIFI)).isEqualTo(45_000);
  }

  @Test
  void networksRememberedAreBounded() {
    for (int i = 0; i < Lru.NETWORKS + 5; i++) {
      surviveSteps("net-" + i, 1);
    }
    // The oldest was forgotten and starts over; the newest is remembered.
    assertThat(learner.interval("net-0")).isEqualTo(30_000);
    assertThat(learner.interval("net-" + (Lru.NETWORKS + 4))).isEqualTo(45_000);
  }

  @Test
  void theNodesBoundsFromDispatchLimitEveryInterval() {
    learner.nodeBounds(5_000, 60_000);

    assertThat(learner.proposal(WIFI)).isEqualTo(60_000);
    assertThat(surviveSteps(WIFI, 3)).containsExactly(45_000L, 60_000L, 60_000L);
  }

  @Test
  void aClampedGrantRevealsTheNodesBound() {
    learner.granted(300_000, 40_000);

    assertThat(learner.proposal(WIFI)).isEqualTo(40_000);
    assertThat(surviveSteps(WIFI, 2)).containsExactly(40_000L, 40_000L);
  }

  @Test
  void aNodeMinimumAboveTheLearnedIntervalWins() {
    learner.granted(30_000, 50_000); // the node grants nothing shorter

    assertThat(learner.interval(WIFI)).isEqualTo(50_000);
  }

  @Test
  void aFixedIntervalNeverMoves() {
    HeartbeatLearner fixed =
        new HeartbeatLearner(HeartbeatLearner.Settings.fixed(30_000), () -> now);
    fixed.survived(WIFI, 30_000);
    fixed.survived(WIFI, 30_000);
    fixed.died(WIFI, 30_000);
    fixed.died(WIFI, 30_000);

    assertThat(fixed.interval(WIFI)).isEqualTo(30_000);
    assertThat(fixed.proposal(WIFI)).isEqualTo(30_000);
  }
}

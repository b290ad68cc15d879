package io.linkgate.server.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoadGaugeTest {
  @Test
  void connectionsAgainstCapacityGiveALevelPerQuarter() {
    assertThat(LoadGauge.connectionLevel(0, 1000)).isZero();
    assertThat(LoadGauge.connectionLevel(249, 1000)).isZero();
    assertThat(LoadGauge.connectionLevel(250, 1000)).isEqualTo(1);
    assertThat(LoadGauge.connectionLevel(999, 1000)).isEqualTo(3);
    assertThat(LoadGauge.connectionLevel(1000, 1000)).isEqualTo(4);
    assertThat(LoadGauge.connectionLevel(5000, 1000)).isEqualTo(4);
  }

  @Test
  void theLevelIsTheWorstOfConnectionsLagAndCpu() {
    AtomicInteger downlinks = new AtomicInteger(10);
    double[] cpu = {0.1};
    LoadGauge gauge = new LoadGauge(downlinks::get, 100, () -> cpu[0]);
    assertThat(gauge.read().level()).isZero();
    gauge.observeLag(1500); // smoothed: a third of it
    assertThat(gauge.read().level()).isEqualTo(3);
    for (int i = 0; i < 20; i++) {
      gauge.observeLag(0);
    }
    assertThat(gauge.read().level()).isZero();
    cpu[0] = 0.95;
    assertThat(gauge.read().level()).as("a busy CPU alone says level 2 at most").isEqualTo(2);
    cpu[0] = -1;
    downlinks.set(100);
    assertThat(gauge.read()).isEqualTo(new LoadGauge.Reading(4, 100, 0, -1));
  }
}

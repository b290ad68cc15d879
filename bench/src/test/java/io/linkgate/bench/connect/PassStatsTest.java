package io.linkgate.bench.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PassStatsTest {
  @Test
  void percentilesAreNearestRankInMilliseconds() {
    long[] sorted = new long[100];
    for (int i = 0; i < 100; i++) {
      sorted[i] = (i + 1) * 1_000_000L;
    }
    assertThat(PassStats.pct(sorted, 50)).isEqualTo(50.0);
    assertThat(PassStats.pct(sorted, 99)).isEqualTo(99.0);
    assertThat(PassStats.pct(sorted, 100)).isEqualTo(100.0);
    assertThat(PassStats.pct(new long[0], 50)).isNaN();
  }

  @Test
  void failedDevicesAreCountedButLeftOutOfThePercentiles() {
    List<FirstMessage.Result> results = List.of(
        new FirstMessage.Result(1_000_000, 2_000_000, null),
        new FirstMessage.Result(-1, -1, "connect: refused"));

    PassStats p = PassStats.of("first", ConnectMode.sequential(Duration.ofSeconds(2)), results, "1", "1", 1.0);

    assertThat(p.ok()).isEqualTo(1);
    assertThat(p.clients()).isEqualTo(2);
    assertThat(p.firstMax()).isEqualTo(2.0);
    assertThat(p.failures()).containsExactly("connect: refused");
    assertThat(p.mode()).isEqualTo("sequential, 2 s timeout");
  }
}

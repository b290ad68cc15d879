package io.linkgate.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTest {
  @Test
  void medianTakesTheMiddleRunOrTheMeanOfTheMiddleTwo() {
    assertThat(Comparison.median(List.of(5.0, 1.0, 3.0))).isEqualTo(3.0);
    assertThat(Comparison.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
  }

  @Test
  void aRateTargetIsAFloorAndAMemoryTargetACeiling() {
    Comparison rate = new Comparison("rate", "msg/s", 10, true, 0.8);
    rate.add(true, 79);
    rate.add(false, 100);
    Comparison heap = new Comparison("heap", "B", 10, false, 3.0);
    heap.add(true, 2900);
    heap.add(false, 1000);

    assertThat(rate.pass()).isFalse();
    assertThat(heap.pass()).isTrue();
    assertThat(heap.ratio()).isEqualTo(2.9);
  }
}

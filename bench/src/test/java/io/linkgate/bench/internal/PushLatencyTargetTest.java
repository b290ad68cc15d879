package io.linkgate.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The push benchmark's p99 line follows the servers' collector, as issue 12 set them. */
class PushLatencyTargetTest {
  @Test
  void zgcIsHeldToOneAndAHalfTimesRawAndG1ToThree() {
    assertThat(BenchRun.p99Target(List.of("-Xmx3g", "-XX:+UseZGC", "-XX:ZUncommitDelay=30")))
        .isEqualTo(1.5);
    assertThat(BenchRun.p99Target(List.of("-Xmx3g"))).as("the JVM's default, G1").isEqualTo(3.0);
    assertThat(BenchRun.p99Target(List.of("-Xmx3g", "-XX:+UseG1GC"))).isEqualTo(3.0);
    assertThat(BenchRun.p99Target(List.of("-XX:+UseParallelGC"))).isNull();
  }
}

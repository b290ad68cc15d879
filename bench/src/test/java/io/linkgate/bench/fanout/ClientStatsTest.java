package io.linkgate.bench.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientStatsTest {
  private static Map<String, Long> reply(long received, long first, long last) {
    Map<String, Long> m = new HashMap<>();
    m.put("received", received);
    m.put("expected", 200_000L);
    m.put("first", first);
    m.put("last", last);
    m.put("chunks", 4_000L);
    m.put("bad", 0L);
    m.put("problems", 0L);
    m.put("p50", 900L);
    m.put("p99", 2_500L);
    m.put("p999", 2_700L);
    m.put("max", 3_000L);
    return m;
  }

  @Test
  void readsEveryFigureOfTheReply() {
    ClientStats s = ClientStats.parse(reply(200_000, 1_000, 2_000_001_000L));

    assertThat(s).isEqualTo(new ClientStats(200_000, 200_000, 1_000, 2_000_001_000L, 4_000, 0, 0, 900, 2_500, 2_700, 3_000));
    assertThat(s.complete()).isTrue();
  }

  @Test
  void theRateRunsFromThePublishToTheLastDelivery() {
    // 200,000 deliveries, the last 2 s after the first publish call: 100,000 a second.
    ClientStats s = ClientStats.parse(reply(200_000, 5_000_000, 2_000_000_500L));

    assertThat(s.deliveredPerSecond(500)).isCloseTo(100_000, within(1e-6));
  }

  @Test
  void nothingDeliveredHasNoRate() {
    ClientStats s = ClientStats.parse(reply(0, 0, 0));

    assertThat(s.complete()).isFalse();
    assertThat(s.deliveredPerSecond(500)).isNaN();
  }

  @Test
  void aMissingFigureIsNamed() {
    Map<String, Long> r = reply(1, 1, 2);
    r.remove("p99");

    assertThatThrownBy(() -> ClientStats.parse(r)).hasMessageContaining("p99");
  }
}

package io.linkgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.api.transport.Limits;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LimitsTest {
  private final Limits limits = Limits.defaults();

  @Test
  void proposedHeartbeatIsClampedToTheBounds() {
    assertThat(limits.grantHeartbeatMs(1)).isEqualTo(5_000);
    assertThat(limits.grantHeartbeatMs(45_000)).isEqualTo(45_000);
    assertThat(limits.grantHeartbeatMs(10_000_000)).isEqualTo(300_000);
  }

  @Test
  void noProposalGetsTheDefault() {
    assertThat(limits.grantHeartbeatMs(0)).isEqualTo(30_000);
  }

  @Test
  void silenceAllowedIsTheMissFactorTimesTheInterval() {
    assertThat(limits.heartbeatTimeout(30_000)).isEqualTo(Duration.ofMillis(75_000));
  }

  @Test
  void inconsistentHeartbeatBoundsAreRefused() {
    assertThatThrownBy(
            () -> new Limits(1024, 1024, Duration.ofSeconds(1), 10_000, 5_000, 7_000, 2.5, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("heartbeat");
  }
}

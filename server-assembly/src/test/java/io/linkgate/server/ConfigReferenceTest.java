package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The commented example shipped with the distribution stays valid and says what it means. */
class ConfigReferenceTest {
  private static final Path EXAMPLE = Path.of("src/dist/linkgate.yaml");

  @Test
  void shippedExampleParses() {
    LinkgateConfig c = LinkgateConfig.load(EXAMPLE);

    assertThat(c.nodeId()).isEqualTo("gateway-1");
    assertThat(c.advertiseHost()).isEqualTo("gateway-1.example.com");
    assertThat(c.auth().secret()).isNotNull();
    assertThat(c.limits()).isEqualTo(LimitsConfig.defaults());
    assertThat(c.router()).isEqualTo(RouterConfig.defaults());
    assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.transports().downlink()).hasSize(1);
    assertThat(c.transports().downlink().get(0).ports()).contains(7100);
    assertThat(c.transports().uplink().get(0).ports()).containsExactly(7200);
    assertThat(c.transports().uplink().get(0).options()).containsEntry("threads", "2");
  }
}

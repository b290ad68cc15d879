package io.linkgate.examples.business;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceConfigTest {
  @Test
  void optionsWinOverTheEnvironmentWhichWinsOverDefaults() {
    ServiceConfig c =
        ServiceConfig.parse(
            new String[] {"--redis", "redis://10.0.0.1:6380", "--consumer=svc-a"},
            Map.of("BUSINESS_REDIS_URI", "redis://env:1", "BUSINESS_STREAM", "chat:uplink"));
    assertThat(c.redisUri()).isEqualTo("redis://10.0.0.1:6380");
    assertThat(c.stream()).isEqualTo("chat:uplink");
    assertThat(c.consumer()).isEqualTo("svc-a");
    assertThat(c.group()).isEqualTo("business-service");
    assertThat(c.keyPrefix()).isEqualTo("lg:");
    assertThat(c.botAddress()).isEqualTo("user:timebot");
    assertThat(c.maxFrameBytes()).isEqualTo(65536);
  }

  @Test
  void badSettingsAreRefusedNamingTheOption() {
    assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--colour", "red"}, Map.of()))
        .hasMessageStartingWith("unknown option '--colour'");
    assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--stream"}, Map.of())).hasMessage("--stream needs a value");
    assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--group", "a", "--group", "b"}, Map.of()))
        .hasMessage("--group given twice");
    assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--redis", "http://x"}, Map.of()))
        .hasMessageContaining("--redis must start with redis://");
    assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--group", "{g}"}, Map.of()))
        .hasMessageContaining("--group must not contain");
    assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--max-frame-bytes", "lots"}, Map.of()))
        .hasMessageContaining("--max-frame-bytes must be a number");
    assertThatThrownBy(() -> ServiceConfig.parse(new String[] {"--max-frame-bytes", "10"}, Map.of()))
        .hasMessageContaining("at least 1024");
  }

  @Test
  void itsDescriptionHidesTheRedisPassword() {
    ServiceConfig c = ServiceConfig.parse(new String[] {"--redis", "redis://user:s3cret@host:6379", "--consumer", "x"}, Map.of());
    assertThat(c.toString()).contains("redis://***@host:6379").doesNotContain("s3cret");
  }
}

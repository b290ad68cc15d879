package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StoreConfigTest {

  @Test
  void theDefaultStoreIsMemory() {
    assertThat(LinkgateConfig.defaults().store()).isEqualTo(StoreConfig.memory());
    assertThat(LinkgateConfig.parse("store: {type: memory}\n").store().type()).isEqualTo("memory");
  }

  @Test
  void redisBlockReadsEveryKeyAndDefaultsTheRest() {
    StoreConfig s =
        LinkgateConfig.parse(
                """
                store:
                  type: redis
                  uri: redis://10.0.0.5:6380
                  key-prefix: "im:"
                  node-ttl: 3s
                """)
            .store();
    assertThat(s.type()).isEqualTo("redis");
    assertThat(s.uri()).isEqualTo("redis://10.0.0.5:6380");
    assertThat(s.keyPrefix()).isEqualTo("im:");
    assertThat(s.nodeTtl()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.sendClaimTtl()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void unknownKeyUnderStoreFailsListingTheValidOnes() {
    assertThatThrownBy(() -> LinkgateConfig.parse("store:\n  type: redis\n  uri: redis://h:1\n  url: redis://h:1\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'url' under 'store'")
        .hasMessageContaining("command-timeout, key-prefix, node-ttl, send-claim-ttl, type, uri");
  }

  @Test
  void inconsistentStoreSettingsFailWithWhatIsWrong() {
    assertThatThrownBy(() -> LinkgateConfig.parse("store: {type: etcd}\n"))
        .hasMessageContaining("store.type must be one of [memory, redis], got 'etcd'");
    assertThatThrownBy(() -> LinkgateConfig.parse("store: {type: redis}\n"))
        .hasMessageContaining("store.uri is required for store.type redis");
    assertThatThrownBy(() -> LinkgateConfig.parse("store: {type: redis, uri: 'http://h:1'}\n"))
        .hasMessageContaining("store.uri must start with redis://");
    assertThatThrownBy(() -> LinkgateConfig.parse("store: {type: memory, uri: 'redis://h:1'}\n"))
        .hasMessageContaining("apply to store.type redis only");
    assertThatThrownBy(() -> LinkgateConfig.parse("store: {type: redis, uri: 'redis://h:1', key-prefix: 'a{b'}\n"))
        .hasMessageContaining("must not contain '{' or '}'");
    assertThatThrownBy(() -> LinkgateConfig.parse("store: {type: redis, uri: 'redis://h:1', node-ttl: 500ms}\n"))
        .hasMessageContaining("store.node-ttl must be at least 1s");
  }

  @Test
  void sendsGoToARedisStreamOnlyOnARedisStore() {
    LinkgateConfig c =
        LinkgateConfig.parse("store: {type: redis, uri: 'redis://h:1'}\nsends: {handler: redis-stream}\n");
    assertThat(c.sends().stream()).isEqualTo("lg:uplink");
    assertThat(c.sends().streamMaxLen()).isEqualTo(1_000_000L);
    assertThat(LinkgateConfig.defaults().sends().handler()).isEqualTo("deliver");
    assertThatThrownBy(() -> LinkgateConfig.parse("sends: {handler: redis-stream}\n"))
        .hasMessageContaining("sends.handler redis-stream needs store.type redis");
    assertThatThrownBy(() -> LinkgateConfig.parse("sends: {handler: kafka}\n"))
        .hasMessageContaining("sends.handler must be one of [deliver, redis-stream], got 'kafka'");
    assertThatThrownBy(() -> LinkgateConfig.parse("sends: {handler: deliver, stream: x}\n"))
        .hasMessageContaining("apply to sends.handler redis-stream only");
  }

  @Test
  void describeNeverShowsThePassword() {
    assertThat(new StoreConfig("redis", "redis://:s3cret@h:6379/0", null, null, null, null).describe())
        .isEqualTo("redis at redis://***@h:6379/0, key prefix 'lg:'")
        .doesNotContain("s3cret");
  }
}

package io.linkgate.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.server.LinkgateConfig;
import io.linkgate.server.ListenerConfig;
import io.linkgate.server.StoreConfig;
import io.linkgate.server.TransportsConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EffectiveConfigTest {
  private static final String SECRET = "effective-secret-0123456789abcdef0123456789";

  @ParameterizedTest
  @CsvSource({
    "redis://:pw@10.0.0.1:6379/0,        redis://:*****@10.0.0.1:6379/0",
    "redis://user:pw@host,               redis://user:*****@host",
    "rediss://pw@host:6380,              rediss://*****@host:6380",
    "redis://:p@ss@host/2,               redis://:*****@host/2",
    "redis://host:6379,                  redis://host:6379",
    "redis://host/0?client=a@b,          redis://host/0?client=a@b",
    "not a uri,                          not a uri"
  })
  void passwordInAUriIsMaskedAndTheRestKept(String uri, String shown) {
    assertThat(EffectiveConfig.maskPassword(uri)).isEqualTo(shown);
  }

  @Test
  void everySecretIsMasked() {
    LinkgateConfig config =
        LinkgateConfig.defaults()
            .withAuthSecret(SECRET)
            .withStore(StoreConfig.redis("redis://:store-password@127.0.0.1:6379"))
            .withTransports(
                new TransportsConfig(
                    List.of(new ListenerConfig("tcp", List.of(7100), null, Map.of("proxy-password", "opt-secret", "threads", "2"))),
                    List.of()));

    String yaml = EffectiveConfig.yaml(config);

    assertThat(yaml)
        .doesNotContain(SECRET, "store-password", "opt-secret")
        .contains("secret: '*****'")
        .contains("uri: redis://:*****@127.0.0.1:6379")
        .contains("proxy-password: '*****'")
        .contains("threads: 2");
  }

  @Test
  void printedConfigurationLoadsBackToTheSameOne() {
    LinkgateConfig config =
        LinkgateConfig.parse(
            """
            node-id: round-trip
            auth: {secret: %s}
            limits: {heartbeat: {default: 20s}}
            store: {type: redis, uri: "redis://127.0.0.1:6379", key-prefix: "lg:"}
            transports:
              downlink: [{transport: tcp, ports: [7100, 8443]}]
              uplink: []
            """
                .formatted(SECRET));

    String yaml = EffectiveConfig.yaml(config);

    assertThat(yaml).contains("default: 20s", "dedup-ttl: 10m", "max-frame-bytes: 65536", "uplink: []");
    assertThat(LinkgateConfig.parse(yaml.replace("'" + EffectiveConfig.MASK + "'", SECRET))).isEqualTo(config);
  }
}

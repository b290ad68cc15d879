package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.api.transport.Limits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinkgateConfigTest {

  @Test
  void defaultsMakeAWorkingNodeWithoutAnyFile() {
    LinkgateConfig c = LinkgateConfig.defaults();

    assertThat(c.nodeId()).isNotBlank();
    assertThat(c.bindHost()).isEqualTo("0.0.0.0");
    assertThat(c.advertiseHost()).isNotBlank();
    assertThat(c.auth().secret()).isNull();
    assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
    // Every shipped transport, each on its own port, so the default node is reachable through an
    // HTTP-only proxy and from generated gRPC stubs too.
    assertThat(c.transports().downlink())
        .containsExactly(
            new ListenerConfig("tcp", List.of(7100), null, Map.of()),
            new ListenerConfig("http-tunnel", List.of(8080), null, Map.of()),
            new ListenerConfig("grpc", List.of(7300), null, Map.of()));
    assertThat(c.transports().uplink())
        .containsExactly(
            new ListenerConfig("tcp", List.of(7200), null, Map.of()),
            new ListenerConfig("http-tunnel", List.of(8081), null, Map.of()),
            new ListenerConfig("grpc", List.of(7301), null, Map.of()));
    assertThat(c.router())
        .isEqualTo(
            new RouterConfig(1000, 100_000, Duration.ofMinutes(10), 100_000L, Duration.ofHours(24)));
    assertThat(c.limits().toLimits())
        .isEqualTo(new Limits(65_536, 262_144, Duration.ofSeconds(10), 5_000, 300_000, 30_000, 2.5, Duration.ofMinutes(3), 256));
  }

  @Test
  void emptyDocumentIsTheDefaults() {
    assertThat(LinkgateConfig.parse("# only a comment\n").transports()).isEqualTo(TransportsConfig.defaults());
    LinkgateConfig c = LinkgateConfig.parse("");
    assertThat(c.transports()).isEqualTo(TransportsConfig.defaults());
    assertThat(c.limits()).isEqualTo(LimitsConfig.defaults());
  }

  @Test
  void keysAreKebabCaseAndPartialSectionsKeepTheirOtherDefaults() {
    LinkgateConfig c =
        LinkgateConfig.parse(
            """
            node-id: n1
            limits:
              max-frame-bytes: 1024
              outbound-queue-bytes: 4096
              heartbeat: {default: 10s, miss-factor: 3}
            router: {inbox-capacity: 50, inbox-max-users: 500, inbox-idle-ttl: 2h}
            transports:
              downlink:
                - transport: tcp
                  ports: 0
                  options: {epoll: false, backlog: 128}
            """);

    assertThat(c.nodeId()).isEqualTo("n1");
    Limits limits = c.limits().toLimits();
    assertThat(limits.maxFrameBytes()).isEqualTo(1024);
    assertThat(limits.defaultHeartbeatMs()).isEqualTo(10_000);
    assertThat(limits.minHeartbeatMs()).isEqualTo(5_000);
    assertThat(limits.heartbeatMissFactor()).isEqualTo(3.0);
    assertThat(c.router().inboxCapacity()).isEqualTo(50);
    assertThat(c.router().dedupTtl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.router().inboxMaxUsers()).isEqualTo(500L);
    assertThat(c.router().inboxIdleTtl()).isEqualTo(Duration.ofHours(2));
    ListenerConfig down = c.transports().downlink().get(0);
    assertThat(down.ports()).containsExactly(0);
    assertThat(down.options()).containsEntry("epoll", "false").containsEntry("backlog", "128");
    assertThat(c.transports().uplink()).isEqualTo(TransportsConfig.defaults().uplink());
  }

  @Test
  void unknownTopLevelKeyFailsListingTheValidKeys() {
    assertThatThrownBy(() -> LinkgateConfig.parse("node-id: a\nnode-name: b\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'node-name'")
        .hasMessageContaining("top level")
        .hasMessageContaining(
            "advertise-host, auth, bind-host, dispatch, limits, node-id, ops, router, sends, shutdown-grace, store, transports");
  }

  @Test
  void unknownNestedKeyNamesItsPlaceAndTheKeysValidThere() {
    assertThatThrownBy(() -> LinkgateConfig.parse("limits:\n  heartbeat:\n    maximum: 10s\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'maximum' under 'limits.heartbeat'")
        .hasMessageContaining("default, max, min, miss-factor");

    assertThatThrownBy(
            () -> LinkgateConfig.parse("transports:\n  downlink:\n    - transport: tcp\n      ports: [1]\n      port: 2\n"))
        .hasMessageContaining("unknown key 'port' under 'transports.downlink[0]'")
        .hasMessageContaining("options, ports, tls, transport");
  }

  @Test
  void badDurationFailsNamingTheKeyAndTheSyntax() {
    assertThatThrownBy(() -> LinkgateConfig.parse("limits:\n  handshake-timeout: 10 seconds\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'limits.handshake-timeout'")
        .hasMessageContaining("10 seconds")
        .hasMessageContaining("250ms, 10s or 3m");

    assertThatThrownBy(() -> LinkgateConfig.parse("router:\n  dedup-ttl: 600\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'router.dedup-ttl'");
  }

  @Test
  void durationsAcceptEveryUnit() {
    LinkgateConfig c =
        LinkgateConfig.parse(
            "shutdown-grace: 250ms\nrouter: {dedup-ttl: 2h}\nlimits: {uplink-idle-timeout: 3m, handshake-timeout: 1d}\n");
    assertThat(c.shutdownGrace()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.router().dedupTtl()).isEqualTo(Duration.ofHours(2));
    assertThat(c.limits().uplinkIdleTimeout()).isEqualTo(Duration.ofMinutes(3));
    assertThat(c.limits().handshakeTimeout()).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void inconsistentValuesFailWithTheirPlace() {
    assertThatThrownBy(() -> LinkgateConfig.parse("limits:\n  heartbeat: {min: 10s, default: 5s}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'limits.heartbeat'")
        .hasMessageContaining("min <= default <= max");
    assertThatThrownBy(() -> LinkgateConfig.parse("transports:\n  uplink:\n    - ports: [7200]\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("transports.uplink[0]")
        .hasMessageContaining("'transport'");
    assertThatThrownBy(() -> LinkgateConfig.parse("transports:\n  uplink:\n    - {transport: tcp, ports: [70000]}\n"))
        .hasMessageContaining("70000");
    assertThatThrownBy(() -> LinkgateConfig.parse("limits: {max-frame-bytes: many}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'limits.max-frame-bytes'");
  }

  @Test
  void shortSecretIsRefusedAndNeverPrinted() {
    assertThatThrownBy(() -> LinkgateConfig.parse("auth: {secret: short}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("at least 32 bytes")
        .hasMessageNotContaining("short");
    String secret = "a-secret-that-is-long-enough-0123456789";
    assertThat(LinkgateConfig.defaults().withAuthSecret(secret).toString()).doesNotContain(secret);
  }

  @Test
  void malformedYamlFailsWithItsLine() {
    assertThatThrownBy(() -> LinkgateConfig.parse("node-id: a\nbind-host: 'unterminated\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid YAML")
        .hasMessageContaining("line");
    assertThatThrownBy(() -> LinkgateConfig.parse("node-id: a\nlimits: [1]\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'limits' (line 2)");
    assertThatThrownBy(() -> LinkgateConfig.parse("node-id: a\nnode-id: b\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("node-id");
  }

  @Test
  void missingFileIsAClearError() {
    assertThatThrownBy(() -> LinkgateConfig.load(java.nio.file.Path.of("no/such/linkgate.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("config file not found: no/such/linkgate.yaml");
  }

  @Test
  void bindHostAlsoBecomesTheAdvertisedHostUnlessOneWasSet() {
    assertThat(LinkgateConfig.defaults().withBindHost("127.0.0.1").advertiseHost()).isEqualTo("127.0.0.1");
    assertThat(LinkgateConfig.defaults().withAdvertiseHost("gw.example").withBindHost("127.0.0.1").advertiseHost())
        .isEqualTo("gw.example");
  }
}

package io.linkgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    assertThat(c.transports().downlink()).extracting(ListenerConfig::transport).containsExactly("tcp", "http-tunnel", "grpc");
    assertThat(c.transports().uplink()).extracting(ListenerConfig::transport).containsExactly("tcp", "http-tunnel", "grpc");
    assertThat(c.transports().downlink().get(0).ports()).contains(7100);
    assertThat(c.transports().uplink().get(0).ports()).containsExactly(7200);
    assertThat(c.transports().uplink().get(0).options()).containsEntry("threads", "2");
    assertThat(c.dispatch().enabled()).isTrue();
    assertThat(c.dispatch().port()).isEqualTo(DispatchConfig.DEFAULT_PORT);
    assertThat(c.dispatch().advertise()).isEmpty();
  }

  /** The options in the example are ones the transports accept: a node starts from it. */
  @Test
  void shippedExampleStartsANodeOnEveryListedTransport() throws Exception {
    LinkgateConfig example = LinkgateConfig.load(EXAMPLE);
    LinkgateConfig onFreePorts =
        example
            .withBindHost("127.0.0.1")
            .withOps(example.ops().withPort(0))
            .withDispatch(example.dispatch().enabledOn(0))
            .withTransports(
                new TransportsConfig(
                    freePorts(example.transports().downlink()), freePorts(example.transports().uplink())));

    try (LinkgateServer node = LinkgateServer.start(onFreePorts)) {
      assertThat(node.endpoints()).extracting(e -> e.getTransport() + " " + e.getRole())
          .containsExactlyInAnyOrder(
              "tcp DOWNLINK", "tcp DOWNLINK", "http-tunnel DOWNLINK", "grpc DOWNLINK",
              "tcp UPLINK", "http-tunnel UPLINK", "grpc UPLINK");
    }
  }

  private static List<ListenerConfig> freePorts(List<ListenerConfig> listeners) {
    return listeners.stream()
        .map(l -> new ListenerConfig(l.transport(), l.ports().stream().map(p -> 0).toList(), l.tls(), l.options()))
        .toList();
  }
}

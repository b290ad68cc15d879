package io.linkgate.server.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import io.linkgate.server.ConfigException;
import io.linkgate.server.LinkgateConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdvertisedTest {
  private static final List<Endpoint> LISTENING =
      List.of(Endpoint.newBuilder().setTransport("tcp").setRole(Role.DOWNLINK).setHost("gw").setPort(7100).build());

  @Test
  void withoutAdvertiseConfigTheNodeAdvertisesWhatItListensOn() {
    LinkgateConfig c = LinkgateConfig.parse("dispatch: {enabled: true}");
    assertThat(Advertised.endpoints(c.dispatch().advertise(), LISTENING)).isEqualTo(LISTENING);
  }

  @Test
  void everyHostAndPortIsAdvertisedPortByPortSoARaceTriesEachHostEarly() {
    LinkgateConfig c =
        LinkgateConfig.parse(
            """
            dispatch:
              advertise:
                - {transport: tcp, role: downlink, hosts: [a.example, b.example], ports: [7100, 443], tls: true}
                - {transport: http-tunnel, role: uplink, hosts: [a.example], ports: [80]}
            """);
    assertThat(Advertised.endpoints(c.dispatch().advertise(), LISTENING))
        .extracting(e -> e.getTransport() + " " + e.getRole() + " " + e.getHost() + ":" + e.getPort() + (e.getTls() ? " tls" : ""))
        .containsExactly(
            "tcp DOWNLINK a.example:7100 tls", "tcp DOWNLINK b.example:7100 tls",
            "tcp DOWNLINK a.example:443 tls", "tcp DOWNLINK b.example:443 tls",
            "http-tunnel UPLINK a.example:80");
  }

  @Test
  void aBadAdvertiseEntryStopsTheNodeNamingWhatIsWrong() {
    assertThatThrownBy(() -> LinkgateConfig.parse("dispatch: {advertise: [{transport: tcp, role: sideways, hosts: [a], ports: [1]}]}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("role must be downlink or uplink");
    assertThatThrownBy(() -> LinkgateConfig.parse("dispatch: {advertise: [{transport: tcp, role: uplink, hosts: [], ports: [1]}]}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("needs at least one host");
    assertThatThrownBy(() -> LinkgateConfig.parse("dispatch: {advertise: [{transport: tcp, role: uplink, hosts: [a], ports: [70000]}]}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ports in 1..65535");
    assertThatThrownBy(() -> LinkgateConfig.parse("dispatch: {ttl: 1s}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("dispatch.ttl");
    assertThatThrownBy(() -> LinkgateConfig.parse("dispatch: {colour: red}"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("colour");
  }
}

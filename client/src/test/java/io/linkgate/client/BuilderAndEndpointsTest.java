package io.linkgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.api.proto.Endpoint;
import io.linkgate.api.proto.Role;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuilderAndEndpointsTest {
  @Test
  void endpointsParseFromTransportUris() {
    Endpoint e = Endpoints.parse("tcp://127.0.0.1:7000", Role.DOWNLINK);
    assertThat(e.getTransport()).isEqualTo("tcp");
    assertThat(e.getHost()).isEqualTo("127.0.0.1");
    assertThat(e.getPort()).isEqualTo(7000);
    assertThat(e.getTls()).isFalse();
    Endpoint tls = Endpoints.parse("tcp+tls://[::1]:443", Role.UPLINK);
    assertThat(tls.getHost()).isEqualTo("::1");
    assertThat(tls.getTls()).isTrue();
    assertThat(Endpoints.describe(tls)).isEqualTo("tcp+tls://[::1]:443");
    assertThatThrownBy(() -> Endpoints.parse("127.0.0.1:7000", Role.UPLINK))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transport://host:port");
  }

  @Test
  void anUnknownTransportIsRefusedNamingTheKnownOnes() {
    assertThatThrownBy(() -> LinkgateClient.builder()
            .uplinkEndpoints(List.of(Endpoints.of("carrier-pigeon", Role.UPLINK, "h", 1)))
            .token("t").deviceId("d").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("carrier-pigeon").hasMessageContaining("fake");
  }

  @Test
  void missingSettingsAreNamed() {
    var up = List.of(Endpoints.of("fake", Role.UPLINK, "h", 1));
    assertThatThrownBy(() -> LinkgateClient.builder().uplinkEndpoints(up).deviceId("d").build())
        .hasMessageContaining("token");
    assertThatThrownBy(() -> LinkgateClient.builder().uplinkEndpoints(up).token("t").build())
        .hasMessageContaining("deviceId");
    assertThatThrownBy(() -> LinkgateClient.builder()
            .downlinkEndpoints(List.of(Endpoints.of("fake", Role.DOWNLINK, "h", 1)))
            .token("t").deviceId("d").build())
        .hasMessageContaining("pushListener");
    assertThatThrownBy(() -> LinkgateClient.builder().downlinkEndpoints(up))
        .hasMessageContaining("is for UPLINK");
  }

  @Test
  void backoffGrowsToItsBoundAndJitterOnlyShortens() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.5, Duration.ZERO);
    assertThat(b.delay(1, 0.0)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.delay(3, 0.0)).isEqualTo(Duration.ofMillis(400));
    assertThat(b.delay(30, 0.0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.delay(30, 0.999)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
  }

  @Test
  void connectFastSettingsAreChecked() {
    LinkgateClient.Builder b = LinkgateClient.builder();
    assertThatThrownBy(() -> b.dispatch(URI.create("tcp://h:7000")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http(s)://host");
    assertThatThrownBy(() -> b.racing(Duration.ofMillis(-1), 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stagger");
    assertThatThrownBy(() -> b.racing(Duration.ofMillis(250), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInFlight");
    assertThatThrownBy(() -> b.network(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("network");
    assertThatThrownBy(() -> b.transportPreference())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transport");
  }

  @Test
  void heartbeatSettingsAreChecked() {
    LinkgateClient.Builder b = LinkgateClient.builder();
    assertThatThrownBy(() -> b.heartbeat(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heartbeat");
    assertThatThrownBy(() -> b.adaptiveHeartbeat(Duration.ofSeconds(60), Duration.ofSeconds(30)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("above max");
    assertThatThrownBy(() -> b.adaptiveHeartbeat(Duration.ZERO, Duration.ofSeconds(30)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min");
  }

  @Test
  void dispatchAloneIsEnoughEndpointsAndWithoutAPushListenerTheClientOnlySends() {
    try (LinkgateClient sender = LinkgateClient.builder()
        .dispatch(URI.create("http://127.0.0.1:1"))
        .token("t").deviceId("d").build()) {
      assertThatThrownBy(sender::connect)
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("only send");
    }
  }
}

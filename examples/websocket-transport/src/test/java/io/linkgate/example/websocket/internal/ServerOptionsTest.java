package io.linkgate.example.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerOptionsTest {
  @Test
  void noOptionsGiveTheDocumentedDefaults() {
    ServerOptions o = ServerOptions.of(Map.of());
    assertThat(o.allowedOrigins()).isEmpty();
    assertThat(o.maxInFlight()).isEqualTo(64);
    assertThat(o.closeGraceMs()).isEqualTo(5_000);
    assertThat(o.threads()).isEqualTo(64);
  }

  @Test
  void allowedOriginsAreACommaSeparatedList() {
    ServerOptions o =
        ServerOptions.of(Map.of("allowed-origins", " https://a.example, https://b.example ,"));
    assertThat(o.allowedOrigins()).containsExactly("https://a.example", "https://b.example");
  }

  @Test
  void anUnknownOptionIsRefusedNamingTheKnownOnes() {
    assertThatThrownBy(() -> ServerOptions.of(Map.of("cors-origins", "*")))
        .hasMessageContaining("cors-origins")
        .hasMessageContaining("allowed-origins");
  }

  @Test
  void aNumberThatIsNotPositiveIsRefused() {
    assertThatThrownBy(() -> ServerOptions.of(Map.of("max-in-flight", "0")))
        .hasMessageContaining("max-in-flight");
    assertThatThrownBy(() -> ServerOptions.of(Map.of("close-grace-ms", "soon")))
        .hasMessageContaining("close-grace-ms");
  }

  @Test
  void originPolicyLetsThroughListedOriginsAndClientsThatAreNotPages() {
    OriginPolicy policy = new OriginPolicy(List.of("https://a.example"));
    assertThat(policy.allows("https://a.example")).isTrue();
    assertThat(policy.allows(null)).as("no Origin: not a browser page").isTrue();
    assertThat(policy.allows("https://evil.example")).isFalse();
    assertThat(new OriginPolicy(List.of()).allows("https://any.example")).isTrue();
  }
}

package io.linkgate.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linkgate.server.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthSecretTest {
  private static final String FILE_SECRET = "secret-from-the-config-file-0123456789";
  private static final String ENV_SECRET = "secret-from-the-environment-0123456789";

  @Test
  void configuredSecretWinsOverTheEnvironment() {
    AuthSecret s = AuthSecret.resolve(FILE_SECRET, "auth.secret", Map.of("LINKGATE_AUTH_SECRET", ENV_SECRET));
    assertThat(s.value()).isEqualTo(FILE_SECRET);
    assertThat(s.isDevelopment()).isFalse();
  }

  @Test
  void environmentIsUsedWhenNothingIsConfigured() {
    AuthSecret s = AuthSecret.resolve(null, "auth.secret", Map.of("LINKGATE_AUTH_SECRET", ENV_SECRET));
    assertThat(s.value()).isEqualTo(ENV_SECRET);
    assertThat(s.source()).contains("LINKGATE_AUTH_SECRET");
  }

  @Test
  void developmentSecretIsTheLastResort() {
    AuthSecret s = AuthSecret.resolve(null, "auth.secret", Map.of());
    assertThat(s.isDevelopment()).isTrue();
    assertThat(s.value()).isEqualTo(AuthSecret.DEVELOPMENT);
    assertThat(s.toString()).doesNotContain(AuthSecret.DEVELOPMENT);
  }

  @Test
  void shortEnvironmentSecretIsRefused() {
    assertThatThrownBy(() -> AuthSecret.resolve(null, "auth.secret", Map.of("LINKGATE_AUTH_SECRET", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LINKGATE_AUTH_SECRET");
  }
}

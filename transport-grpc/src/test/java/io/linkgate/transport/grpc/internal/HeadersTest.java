package io.linkgate.transport.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The uplink metadata: bearer tokens and device ids that need not be ASCII. */
class HeadersTest {
  @Test
  void plainDeviceIdsGoUnchanged() {
    assertThat(Headers.encodeDeviceId("alice-phone_2.b")).isEqualTo("alice-phone_2.b");
    assertThat(Headers.decodeDeviceId("alice-phone_2.b")).isEqualTo("alice-phone_2.b");
  }

  @Test
  void anyDeviceIdSurvivesAsPrintableAscii() {
    String id = "téléphone 100% 📱";
    String value = Headers.encodeDeviceId(id);
    assertThat(value.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
    assertThat(value).startsWith("t%C3%A9l%C3%A9phone 100%25 ");
    assertThat(Headers.decodeDeviceId(value)).isEqualTo(id);
  }

  @Test
  void malformedEscapeIsRefused() {
    for (String bad : new String[] {"phone%4", "phone%zz", "%"}) {
      assertThatThrownBy(() -> Headers.decodeDeviceId(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void bearerIsCaseInsensitiveAndNothingElseIsAToken() {
    assertThat(Headers.bearerToken("Bearer abc.def")).isEqualTo("abc.def");
    assertThat(Headers.bearerToken("bearer abc")).isEqualTo("abc");
    assertThat(Headers.bearerToken("Basic abc")).isNull();
    assertThat(Headers.bearerToken("Bearer ")).isNull();
  }
}

package io.linkgate.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import java.time.Duration;

/**
 * Whatever a client presents as a token (garbage, or a real token with bytes changed), verification
 * answers an identity only for a token signed with the secret, and otherwise {@code
 * UNAUTHENTICATED}: never another exception. Seeds and findings run in the suite; {@code
 * JAZZER_FUZZ=1} fuzzes.
 */
class TokenFuzzTest {
  private static final Hs256Authenticator AUTH = new Hs256Authenticator(Fixtures.SECRET);
  private static final String REAL = Hs256Authenticator.mint(Fixtures.SECRET, "alice", Duration.ofHours(1));

  @FuzzTest(maxDuration = "20s")
  void anythingButAnUntouchedTokenIsRefusedWithUnauthenticated(FuzzedDataProvider data) {
    String token;
    if (data.consumeBoolean()) {
      // A real token with one stretch replaced: header, payload or signature tampering.
      int at = data.consumeInt(0, REAL.length());
      int len = data.consumeInt(0, REAL.length() - at);
      token = REAL.substring(0, at) + data.consumeString(64) + REAL.substring(at + len);
    } else {
      token = data.consumeRemainingAsString();
    }
    try {
      String user = AUTH.verify(token).userId();
      // Only a token carrying the real signature over the real header and payload passes. The
      // same token may differ in bytes the base64url decoder ignores, so compare the identity.
      assertThat(user).isEqualTo("alice");
    } catch (GatewayException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
    }
  }
}

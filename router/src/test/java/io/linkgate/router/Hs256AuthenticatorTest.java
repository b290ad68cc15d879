package io.linkgate.router;

import static io.linkgate.router.Fixtures.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class Hs256AuthenticatorTest {
  private final Hs256Authenticator auth = new Hs256Authenticator(SECRET);

  @Test
  void mintedTokenYieldsItsSubject() {
    String token = Hs256Authenticator.mint(SECRET, "alice", Duration.ofMinutes(1));
    assertThat(Fixtures.join(auth.authenticate(token)).userId()).isEqualTo("alice");
  }

  @Test
  void expiredTokenIsRefused() {
    String token = Hs256Authenticator.mint(SECRET, "alice", Duration.ofMinutes(1));
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofMinutes(2)), ZoneOffset.UTC);
    assertRefused(new Hs256Authenticator(SECRET, later), token, "expired");
  }

  @Test
  void tokenSignedWithAnotherSecretIsRefused() {
    byte[] other = "another-secret-that-is-32-bytes-long!!".getBytes(StandardCharsets.UTF_8);
    assertRefused(auth, Hs256Authenticator.mint(other, "alice", Duration.ofMinutes(1)), "signature");
  }

  @Test
  void algNoneIsRefused() {
    String token =
        JWT.create()
            .withSubject("alice")
            .withExpiresAt(Instant.now().plusSeconds(60))
            .sign(Algorithm.none());
    assertRefused(auth, token, "algorithm");
  }

  @Test
  void otherHmacAlgorithmIsRefused() {
    String token =
        JWT.create()
            .withSubject("alice")
            .withExpiresAt(Instant.now().plusSeconds(60))
            .sign(Algorithm.HMAC384(SECRET));
    assertRefused(auth, token, "algorithm");
  }

  @Test
  void tokenWithoutSubIsRefused() {
    String token =
        JWT.create().withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256(SECRET));
    assertRefused(auth, token, "'sub'");
  }

  @Test
  void tokenWithoutExpIsRefused() {
    String token = JWT.create().withSubject("alice").sign(Algorithm.HMAC256(SECRET));
    assertRefused(auth, token, "'exp'");
  }

  @Test
  void garbageAndEmptyTokensAreRefused() {
    assertRefused(auth, "not.a.jwt", "malformed");
    assertRefused(auth, "", "missing");
  }

  @Test
  void shortSecretIsRejectedAtConstruction() {
    assertThatThrownBy(() -> new Hs256Authenticator(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> Hs256Authenticator.mint(new byte[8], "a", Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String signed(com.auth0.jwt.JWTCreator.Builder b) {
    return b.withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256(SECRET));
  }

  @Test
  void aTokenTypedAsSomethingElseIsRefusedButJwtInAnyCaseIsNot() {
    assertRefused(auth, signed(JWT.create().withSubject("alice").withHeader(java.util.Map.of("typ", "at+jwt"))), "type");
    assertRefused(auth, signed(JWT.create().withSubject("alice").withHeader(java.util.Map.of("typ", "JWE"))), "type");
    assertThat(auth.verify(signed(JWT.create().withSubject("alice").withHeader(java.util.Map.of("typ", "jwt")))).userId())
        .isEqualTo("alice");
  }

  @Test
  void aHugeOrControlCharacterUserIdIsRefused() {
    assertRefused(auth, signed(JWT.create().withSubject("a".repeat(Hs256Authenticator.MAX_USER_ID_CHARS + 1))), "longer");
    assertThat(auth.verify(signed(JWT.create().withSubject("a".repeat(Hs256Authenticator.MAX_USER_ID_CHARS)))).userId())
        .hasSize(Hs256Authenticator.MAX_USER_ID_CHARS);
    assertRefused(auth, signed(JWT.create().withSubject("alice\nadmin")), "control");
    assertRefused(auth, signed(JWT.create().withSubject("")), "empty");
  }

  @Test
  void aTokenWhoseExpiryIsPastTheRepresentableInstantsIsRefusedNotACrash() {
    // Found by TokenFuzzTest: the JWT library threw DateTimeException out of verify().
    String header = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8));
    String payload = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{\"sub\":\"alice\",\"exp\":1e300}".getBytes(StandardCharsets.UTF_8));
    assertRefused(auth, header + "." + payload + ".c2ln", "malformed");
  }

  @Test
  void aTokenVerifiedEarlierIsStillRefusedOnceItsExpPasses() {
    Instant[] now = {Instant.now()};
    Clock clock = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now[0];
      }
    };
    Hs256Authenticator cached = new Hs256Authenticator(SECRET, clock);
    String token = Hs256Authenticator.mint(SECRET, "alice", Duration.ofSeconds(30));
    assertThat(cached.verify(token).userId()).isEqualTo("alice");
    assertThat(cached.verify(token).userId()).as("again, from the cache").isEqualTo("alice");
    now[0] = now[0].plusSeconds(31);
    assertRefused(cached, token, "expired");
  }

  @Test
  void aTamperedCopyOfAVerifiedTokenIsNotServedFromTheCache() {
    String token = Hs256Authenticator.mint(SECRET, "alice", Duration.ofMinutes(5));
    assertThat(auth.verify(token).userId()).isEqualTo("alice");
    String tampered = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
    assertRefused(auth, tampered, "signature");
  }

  private static void assertRefused(Hs256Authenticator auth, String token, String why) {
    Throwable t = Fixtures.failure(auth.authenticate(token));
    assertThat(t).isInstanceOf(GatewayException.class).hasMessageContaining(why);
    assertThat(((GatewayException) t).code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThatThrownBy(() -> auth.verify(token)).isInstanceOf(GatewayException.class);
  }
}

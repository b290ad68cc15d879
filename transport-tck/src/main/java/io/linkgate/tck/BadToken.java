package io.linkgate.tck;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.time.Duration;
import java.time.Instant;

/** Tokens the node must refuse with {@code UNAUTHENTICATED}, on every transport and role. */
enum BadToken {
  EXPIRED {
    @Override
    String mint(byte[] secret, String userId) {
      // Well past any clock-skew leeway a verifier may allow.
      Instant past = Instant.now().minus(Duration.ofHours(1));
      return JWT.create()
          .withSubject(userId)
          .withIssuedAt(past.minus(Duration.ofMinutes(10)))
          .withExpiresAt(past)
          .sign(Algorithm.HMAC256(secret));
    }
  },
  WRONG_SECRET {
    @Override
    String mint(byte[] secret, String userId) {
      byte[] other = secret.clone();
      other[0] ^= 1;
      return valid(other, userId);
    }
  },
  UNSIGNED {
    @Override
    String mint(byte[] secret, String userId) {
      return JWT.create()
          .withSubject(userId)
          .withExpiresAt(Instant.now().plus(Duration.ofMinutes(10)))
          .sign(Algorithm.none());
    }
  },
  OTHER_HMAC {
    @Override
    String mint(byte[] secret, String userId) {
      // The right key under another algorithm: only HS256 is accepted.
      return JWT.create()
          .withSubject(userId)
          .withExpiresAt(Instant.now().plus(Duration.ofMinutes(10)))
          .sign(Algorithm.HMAC512(secret));
    }
  },
  WRONG_TYPE {
    @Override
    String mint(byte[] secret, String userId) {
      // Signed with the right key, but typed as another kind of token (an access token for
      // another audience, say): not a login.
      return JWT.create()
          .withHeader(java.util.Map.of("typ", "at+jwt"))
          .withSubject(userId)
          .withExpiresAt(Instant.now().plus(Duration.ofMinutes(10)))
          .sign(Algorithm.HMAC256(secret));
    }
  },
  EMPTY_SUBJECT {
    @Override
    String mint(byte[] secret, String userId) {
      return valid(secret, "");
    }
  },
  HUGE_SUBJECT {
    @Override
    String mint(byte[] secret, String userId) {
      // 4,000 characters: within any frame limit, far past any real account id.
      return valid(secret, userId + "x".repeat(4000));
    }
  },
  NOT_A_JWT {
    @Override
    String mint(byte[] secret, String userId) {
      return "not-a-token";
    }
  },
  MISSING {
    @Override
    String mint(byte[] secret, String userId) {
      return "";
    }
  };

  abstract String mint(byte[] secret, String userId);

  private static String valid(byte[] secret, String userId) {
    return JWT.create()
        .withSubject(userId)
        .withExpiresAt(Instant.now().plus(Duration.ofMinutes(10)))
        .sign(Algorithm.HMAC256(secret));
  }
}

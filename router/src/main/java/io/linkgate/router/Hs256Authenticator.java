package io.linkgate.router;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.linkgate.api.GatewayException;
import io.linkgate.api.auth.Authenticator;
import io.linkgate.api.auth.Identity;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.router.internal.VerifiedTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The default {@link Authenticator}: a JWT signed with HMAC-SHA256, whose {@code sub} is the user id
 * and whose {@code exp} is required. Tokens with any other {@code alg}, {@code none} included, are
 * refused, and so are tokens typed as something else ({@code typ} other than {@code JWT}: an
 * encrypted or differently purposed token signed with a shared key must not pass as a login) and
 * user ids that are longer than {@value #MAX_USER_ID_CHARS} characters or hold control characters
 * (a user id becomes store keys, log fields and what other users see as a sender).
 * Verification is pure computation, so the stage is already complete when returned. A token that
 * verified is remembered (by its SHA-256) for a minute or until its {@code exp}, whichever is
 * first, so a client sending the same token with every request is checked once a minute.
 */
public final class Hs256Authenticator implements Authenticator {
  /** HS256 keys shorter than the hash output weaken the MAC (RFC 7518, section 3.2). */
  public static final int MIN_SECRET_BYTES = 32;

  /** The longest user id accepted: ample for any account id, small enough for every key and log. */
  public static final int MAX_USER_ID_CHARS = 256;

  /** Distinct tokens remembered as verified: a few MB at most. */
  static final long CACHED_TOKENS = 100_000;

  /** How long a verified token is taken on trust before it is checked again. */
  static final Duration CACHE_WINDOW = Duration.ofMinutes(1);

  private final JWTVerifier verifier;
  private final VerifiedTokens verified;

  /**
   * @throws IllegalArgumentException if {@code secret} is shorter than {@value #MIN_SECRET_BYTES}
   *     bytes
   */
  public Hs256Authenticator(byte[] secret) {
    this(secret, Clock.systemUTC());
  }

  /** As {@link #Hs256Authenticator(byte[])}, judging expiry by {@code clock}. */
  public Hs256Authenticator(byte[] secret, Clock clock) {
    Objects.requireNonNull(clock, "clock");
    this.verified = new VerifiedTokens(CACHED_TOKENS, CACHE_WINDOW, clock);
    this.verifier =
        ((com.auth0.jwt.JWTVerifier.BaseVerification)
                JWT.require(algorithm(secret)).withClaimPresence("sub").withClaimPresence("exp"))
            .build(clock);
  }

  @Override
  public CompletionStage<Identity> authenticate(String token) {
    try {
      return CompletableFuture.completedFuture(verify(token));
    } catch (GatewayException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Verifies {@code token} and returns its identity.
   *
   * @throws GatewayException {@code UNAUTHENTICATED}, saying why
   */
  public Identity verify(String token) {
    if (token == null || token.isEmpty()) {
      throw unauthenticated("missing token");
    }
    Identity known = verified.lookup(token);
    if (known != null) {
      return known;
    }
    DecodedJWT jwt;
    try {
      jwt = verifier.verify(token);
    } catch (TokenExpiredException e) {
      throw unauthenticated("token expired");
    } catch (AlgorithmMismatchException e) {
      throw unauthenticated("token algorithm not accepted (HS256 required)");
    } catch (SignatureVerificationException e) {
      throw unauthenticated("bad token signature");
    } catch (MissingClaimException e) {
      throw unauthenticated("token lacks the '" + e.getClaimName() + "' claim");
    } catch (JWTDecodeException e) {
      throw unauthenticated("malformed token");
    } catch (JWTVerificationException e) {
      throw unauthenticated("invalid token");
    } catch (RuntimeException e) {
      // The JWT library lets some malformed claims escape as other exceptions (an exp far past
      // the representable instants throws DateTimeException): still a bad token, not a crash.
      throw unauthenticated("malformed token");
    }
    String type = jwt.getType();
    if (type != null && !type.equalsIgnoreCase("JWT")) {
      throw unauthenticated("token type not accepted (typ JWT required)");
    }
    String subject = jwt.getSubject();
    if (subject == null || subject.isEmpty()) {
      throw unauthenticated("token has an empty 'sub' claim");
    }
    if (subject.length() > MAX_USER_ID_CHARS) {
      throw unauthenticated("token 'sub' is longer than " + MAX_USER_ID_CHARS + " characters");
    }
    if (subject.chars().anyMatch(Character::isISOControl)) {
      throw unauthenticated("token 'sub' holds control characters");
    }
    Identity identity = new Identity(subject);
    verified.remember(token, identity, jwt.getExpiresAtAsInstant().toEpochMilli());
    return identity;
  }

  /**
   * Mints a token for {@code userId} valid for {@code ttl}: for development and tests; production
   * tokens come from the system that owns the accounts.
   */
  public static String mint(byte[] secret, String userId, Duration ttl) {
    Objects.requireNonNull(userId, "userId");
    if (userId.isEmpty()) {
      throw new IllegalArgumentException("empty user id");
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive, got " + ttl);
    }
    Instant now = Instant.now();
    return JWT.create()
        .withSubject(userId)
        .withIssuedAt(now)
        .withExpiresAt(now.plus(ttl))
        .sign(algorithm(secret));
  }

  private static Algorithm algorithm(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "HS256 secret must be at least " + MIN_SECRET_BYTES + " bytes, got " + secret.length);
    }
    return Algorithm.HMAC256(secret);
  }

  private static GatewayException unauthenticated(String why) {
    return new GatewayException(ErrorCode.UNAUTHENTICATED, why);
  }
}

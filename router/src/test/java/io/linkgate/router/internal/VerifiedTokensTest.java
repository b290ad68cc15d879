package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.auth.Identity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {
  private Instant now = Instant.parse("2026-12-06T12:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  @Test
  void aTokenIsTakenOnTrustUntilItsExpOrTheWindowWhicheverIsFirst() {
    VerifiedTokens tokens = new VerifiedTokens(100, Duration.ofMinutes(1), clock);
    tokens.remember("short-lived", new Identity("alice"), now.plusSeconds(10).toEpochMilli());
    tokens.remember("long-lived", new Identity("bob"), now.plusSeconds(3600).toEpochMilli());
    assertThat(tokens.lookup("short-lived")).isEqualTo(new Identity("alice"));
    now = now.plusSeconds(11);
    assertThat(tokens.lookup("short-lived")).as("past its exp").isNull();
    assertThat(tokens.lookup("long-lived")).isEqualTo(new Identity("bob"));
    now = now.plusSeconds(50);
    assertThat(tokens.lookup("long-lived")).as("past the window: checked again").isNull();
    assertThat(tokens.lookup("never-seen")).isNull();
  }

  @Test
  void theCacheHoldsABoundedNumberOfTokens() {
    VerifiedTokens tokens = new VerifiedTokens(10, Duration.ofMinutes(1), clock);
    for (int i = 0; i < 1000; i++) {
      tokens.remember("token-" + i, new Identity("u" + i), now.plusSeconds(60).toEpochMilli());
    }
    assertThat(tokens.size()).isLessThanOrEqualTo(10);
  }

  @Test
  void whenFullTheTokensPastTheirTimeGoFirst() {
    VerifiedTokens tokens = new VerifiedTokens(10, Duration.ofMinutes(1), clock);
    tokens.remember("live", new Identity("alice"), now.plusSeconds(3600).toEpochMilli());
    for (int i = 0; i < 9; i++) {
      tokens.remember("old-" + i, new Identity("u" + i), now.plusSeconds(10).toEpochMilli());
    }
    now = now.plusSeconds(11);
    tokens.remember("new", new Identity("bob"), now.plusSeconds(3600).toEpochMilli());
    assertThat(tokens.size()).as("the nine expired ones made room").isEqualTo(2);
    assertThat(tokens.lookup("live")).isEqualTo(new Identity("alice"));
    assertThat(tokens.lookup("new")).isEqualTo(new Identity("bob"));
  }

  @Test
  void anExpiredTokenLooksUpAsUnknownAndLeavesTheCache() {
    VerifiedTokens tokens = new VerifiedTokens(10, Duration.ofMinutes(1), clock);
    tokens.remember("t", new Identity("alice"), now.plusSeconds(5).toEpochMilli());
    now = now.plusSeconds(5);
    assertThat(tokens.lookup("t")).isNull();
    assertThat(tokens.size()).isZero();
  }
}

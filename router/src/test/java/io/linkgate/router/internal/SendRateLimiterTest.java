package io.linkgate.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The buckets' bound and what a sweep may and may not forget; the router's use is in SendRateTest. */
class SendRateLimiterTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @Test
  void bucketsFullAgainAreForgottenSoMemoryFollowsTheUsersSendingNow() {
    SendRateLimiter limiter = new SendRateLimiter(100, 10, nanos::get); // full again 10 ms after a send
    for (int i = 0; i < 100_000; i++) {
      assertThat(limiter.acquire("user-" + i)).isZero();
      nanos.addAndGet(TimeUnit.MICROSECONDS.toNanos(100));
    }
    assertThat(limiter.size()).isLessThanOrEqualTo(2 * SendRateLimiter.MIN_SWEEP_SIZE);
  }

  @Test
  void aSweepKeepsTheBucketOfAUserStillPayingForABurst() {
    SendRateLimiter limiter = new SendRateLimiter(1, 5, nanos::get);
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.acquire("loud")).isZero();
    }
    assertThat(limiter.acquire("loud")).isPositive();
    // Many other users, each full again a second after its send: sweeps run and drop them, but
    // not the loud one, whose bucket is not full again before 5 s.
    for (int i = 0; i < 40 * SendRateLimiter.MIN_SWEEP_SIZE; i++) {
      limiter.acquire("quiet-" + i);
      nanos.addAndGet(TimeUnit.MICROSECONDS.toNanos(100));
    }
    assertThat(limiter.size()).isLessThan(30 * SendRateLimiter.MIN_SWEEP_SIZE);
    // 4.1 s later the loud user has 4.1 tokens, not the 5 of a forgotten bucket.
    for (int i = 0; i < 4; i++) {
      assertThat(limiter.acquire("loud")).isZero();
    }
    assertThat(limiter.acquire("loud")).isPositive();
  }

  @Test
  void pastTheBoundBucketsAreDroppedEvenIfNotFull() {
    SendRateLimiter limiter = new SendRateLimiter(1, 5, nanos::get); // nothing refills in this test
    for (int i = 0; i < SendRateLimiter.MAX_USERS + 5_000; i++) {
      limiter.acquire("user-" + i);
    }
    assertThat(limiter.size()).isLessThanOrEqualTo(SendRateLimiter.MAX_USERS);
  }
}

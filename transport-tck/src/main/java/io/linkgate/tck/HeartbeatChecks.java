package io.linkgate.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.linkgate.api.client.ClientUplink;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Role;
import io.linkgate.api.proto.Welcome;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Ping, Pong and the downlink's miss window. */
final class HeartbeatChecks {
  /** Nonces the kit sends start here, apart from any the client transport sends on its own. */
  private static final long NONCE_BASE = 7_000_000_000L;

  private final Fixture fx;

  HeartbeatChecks(Fixture fx) {
    this.fx = fx;
  }

  void pingIsAnsweredWithPongOfTheSameNonce() {
    String user = fx.user("alice");
    TestDownlink dl = fx.downlink(user, "alice-phone");
    dl.send(Wire.ping(NONCE_BASE + 42));
    assertThat(nextKitPong(dl)).as("Pong nonce on the downlink").isEqualTo(NONCE_BASE + 42);

    ClientUplink up = fx.uplink(user, "alice-phone");
    Frame answer = fx.call(up, Wire.ping(NONCE_BASE + 43));
    assertThat(answer.hasPong())
        .as("uplink answer to Ping, got %s", Wire.describe(answer))
        .isTrue();
    assertThat(answer.getPong().getNonce())
        .as("Pong nonce on the uplink")
        .isEqualTo(NONCE_BASE + 43);
  }

  /**
   * Pings every half interval for two miss windows: each gets its Pong and the connection stays up,
   * so the server measures silence from the last frame, not from the handshake.
   */
  void pingingDownlinkOutlivesTheMissWindow() {
    String user = fx.user("alice");
    int minMs = fx.limits().minHeartbeatMs();
    TestDownlink dl = fx.downlink(fx.downlinkHello(user, "alice-phone", 0, minMs));
    int granted = dl.welcome().getHeartbeatMs();
    long windowMs = fx.limits().heartbeatTimeout(granted).toMillis();
    int pings = (int) Math.max(4, 2 * windowMs / Math.max(1, granted / 2));

    AtomicLong nonce = new AtomicLong(NONCE_BASE);
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    try {
      // The executor paces the client's pings, the way a client's heartbeat timer would.
      pacer.scheduleAtFixedRate(
          () -> {
            if (nonce.get() < NONCE_BASE + pings) {
              dl.send(Wire.ping(nonce.incrementAndGet()));
            }
          },
          0,
          Math.max(1, granted / 2),
          TimeUnit.MILLISECONDS);
      for (int i = 1; i <= pings; i++) {
        assertThat(nextKitPong(dl)).as("Pong %d of %d", i, pings).isEqualTo(NONCE_BASE + i);
      }
    } finally {
      pacer.shutdownNow();
    }
    dl.assertOpen();
  }

  void silentDownlinkIsClosedAfterTheMissWindow() throws IOException {
    String user = fx.user("alice");
    RawConnection raw = fx.raw(Role.DOWNLINK);
    Welcome w =
        fx.rawHandshake(
            raw, fx.downlinkHello(user, "alice-phone", 0, fx.limits().minHeartbeatMs()));
    long start = System.nanoTime();
    assertThat(w.getHeartbeatMs()).isEqualTo(fx.limits().minHeartbeatMs());
    fx.expectErrorThenClose(raw, ErrorCode.TIMEOUT, "downlink that never pings");
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    // The silence allowed is miss-factor intervals; 80% of it leaves room for the time between
    // the server's timer starting and this side reading Welcome, and still fails a transport that
    // closes after a single interval.
    long allowedMs = fx.limits().heartbeatTimeout(w.getHeartbeatMs()).toMillis();
    assertThat(elapsedMs)
        .as("closed no earlier than the miss window (%d ms) of silence, less a margin", allowedMs)
        .isGreaterThanOrEqualTo(allowedMs * 8 / 10);
    fx.awaitOffline(user);
  }

  /** The nonce of the next Pong answering one of the kit's pings; pongs for others are skipped. */
  private static long nextKitPong(TestDownlink dl) {
    while (true) {
      Frame f = dl.nextFrame();
      if (!f.hasPong()) {
        fail("%s: expected a Pong, got %s", dl.label(), Wire.describe(f));
      }
      if (f.getPong().getNonce() >= NONCE_BASE) {
        return f.getPong().getNonce();
      }
    }
  }
}

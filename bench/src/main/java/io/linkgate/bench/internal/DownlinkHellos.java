package io.linkgate.bench.internal;

import io.linkgate.api.FrameCodec;
import io.linkgate.api.proto.Frame;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.router.Hs256Authenticator;
import java.time.Duration;

/** The encoded downlink Hellos of the benchmarks' users, minted once before a run. */
public final class DownlinkHellos {
  private DownlinkHellos() {}

  /** One length-prefixed Hello frame per user {@code 0..users-1} ({@link PushTarget#userId}). */
  public static byte[][] mint(byte[] secret, int users) {
    byte[][] hellos = new byte[users][];
    for (int u = 0; u < users; u++) {
      String userId = PushTarget.userId(u);
      Hello hello =
          Hello.newBuilder()
              .setToken(Hs256Authenticator.mint(secret, userId, Duration.ofHours(2)))
              .setDeviceId(userId)
              .setRole(Role.DOWNLINK)
              .setHeartbeatMs(300_000) // no pings needed during a run
              .setClientVersion("linkgate-bench")
              .build();
      hellos[u] = FrameCodec.encode(Frame.newBuilder().setHello(hello).build());
    }
    return hellos;
  }
}

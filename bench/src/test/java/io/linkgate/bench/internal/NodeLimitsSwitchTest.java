package io.linkgate.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.linkgate.api.GatewayException;
import io.linkgate.api.proto.ErrorCode;
import io.linkgate.api.proto.Hello;
import io.linkgate.api.proto.Role;
import io.linkgate.api.transport.ConnectionInfo;
import io.linkgate.router.Hs256Authenticator;
import io.linkgate.router.Router;
import io.linkgate.server.LimitsConfig;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code -Dlinkgate.bench.node-limits=true} gives the benchmarks' router the node's limits. */
class NodeLimitsSwitchTest {
  private static final byte[] SECRET = "a secret of the bench of 32 bytes".getBytes(StandardCharsets.UTF_8);

  /** Bad tokens from one address until one is refused for the address's rate; the codes seen. */
  private static ErrorCode lastRefusal(Router router, int attempts) {
    ErrorCode code = null;
    for (int i = 0; i < attempts; i++) {
      Hello hello = Hello.newBuilder().setToken("not-a-token").setDeviceId("d").setRole(Role.UPLINK).build();
      Throwable refused =
          router
              .openUplink(hello, new ConnectionInfo("test", Role.UPLINK, "10.1.2.3:" + i, false, 0))
              .toCompletableFuture()
              .handle((session, err) -> err)
              .join();
      code = GatewayException.from(refused).code();
      if (code == ErrorCode.RATE_LIMITED) {
        return code;
      }
    }
    return code;
  }

  private static Router router() {
    return TransportNode.withNodeLimitsIfAsked(
            Router.builder().nodeId("bench").authenticator(new Hs256Authenticator(SECRET)))
        .build();
  }

  @Test
  void withTheSwitchAnAddressPastTheNodesHandshakeBurstIsRefused() {
    System.setProperty(TransportNode.NODE_LIMITS_PROPERTY, "true");
    try (Router router = router()) {
      int burst = (int) (2 * LimitsConfig.DEFAULT_HANDSHAKES_PER_SECOND_PER_ADDRESS);
      assertThat(lastRefusal(router, 2 * burst)).isEqualTo(ErrorCode.RATE_LIMITED);
    } finally {
      System.clearProperty(TransportNode.NODE_LIMITS_PROPERTY);
    }
  }

  @Test
  void withoutItTheRouterHasNoAddressLimits() {
    try (Router router = router()) {
      int burst = (int) (2 * LimitsConfig.DEFAULT_HANDSHAKES_PER_SECOND_PER_ADDRESS);
      assertThat(lastRefusal(router, 2 * burst)).isEqualTo(ErrorCode.UNAUTHENTICATED);
    }
  }
}
